package dev.kiln.protocol;

import java.util.List;
import java.util.Map;

/**
 * {@code PUT /api/v1/builds/{id}/tags}: tags to set (a key the build has gets the new value) and keys to remove, in
 * one change.
 */
public record TagsBody(Map<String, String> tags, List<String> remove) {
}
