package dev.kiln.protocol;

import java.util.List;

/**
 * {@code POST /api/v1/cache/verify}: what checking every served path found.
 *
 * @param paths    how many served paths were checked
 * @param narBytes how many bytes of compressed NARs were read
 * @param faults   what is wrong; empty when the cache is whole
 */
public record CacheReportInfo(long paths, long narBytes, List<CacheFaultInfo> faults) {
}
