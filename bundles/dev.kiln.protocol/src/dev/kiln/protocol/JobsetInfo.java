package dev.kiln.protocol;

import java.util.List;
import java.util.Map;

/**
 * A jobset, as sent to create or change one and as shown. {@code periodSeconds} 0 evaluates on demand only;
 * {@code storeRoot} null means the store is at {@code storeDir}; {@code maxBuildsPerEvaluation} null means the default.
 */
public record JobsetInfo(String name, List<ChannelInfo> channels, String evaluationCommand, String storeDir,
        String storeRoot, long periodSeconds, int priority, Map<String, String> tags, Boolean enabled,
        Integer maxBuildsPerEvaluation, boolean supersede) {
}
