package dev.kiln.protocol;

import java.util.Map;

/**
 * {@code PUT /api/v1/hooks/{name}/configuration}: properties to set on the hook bundle's configuration; an empty value
 * removes its key, and no properties change nothing.
 */
public record HookConfigurationBody(Map<String, String> properties) {
}
