package dev.kiln.protocol;

/**
 * A build's limits: times in seconds, sizes in bytes; null when not set (the coordinator's default applies), 0 for
 * no limit.
 */
public record BuildLimitsInfo(Long timeout, Long maxSilentTime, Long maxLogSize, Long maxOutputSize) {
}
