package dev.kiln.protocol;

import java.time.Instant;
import java.util.Map;

/**
 * One build to create; {@code deferUntil} is null to allocate it at once. The limits are null for the coordinator's
 * default, 0 for none: {@code timeout} and {@code maxSilentTime} in seconds, {@code maxLogSize} and
 * {@code maxOutputSize} in bytes, as a number or a string with a binary suffix ({@code "1M"}, {@code "2G"}).
 */
public record BuildRequest(String derivation, int priority, Map<String, String> tags,
        Map<String, String> requiredAgentTags, boolean ignoreIfDerivationExists, boolean ignoreIfOutputsExist,
        Instant deferUntil, String timeout, String maxSilentTime, String maxLogSize, String maxOutputSize) {

    public BuildRequest(String derivation, int priority, Map<String, String> tags,
            Map<String, String> requiredAgentTags, boolean ignoreIfDerivationExists, boolean ignoreIfOutputsExist,
            Instant deferUntil) {
        this(derivation, priority, tags, requiredAgentTags, ignoreIfDerivationExists, ignoreIfOutputsExist,
                deferUntil, null, null, null, null);
    }
}
