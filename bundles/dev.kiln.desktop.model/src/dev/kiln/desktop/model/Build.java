package dev.kiln.desktop.model;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A build as the client API shows it.
 *
 * @param agent      the agent it is allocated to or was built by, or {@code null}
 * @param startedAt  {@code null} until an agent reported the start
 * @param finishedAt {@code null} until final
 * @param deferUntil {@code null} unless deferred
 */
public record Build(UUID id, BuildState state, String derivation, String system, int priority,
        Map<String, String> tags, Map<String, String> requiredAgentTags, UUID agent, Instant createdAt,
        Instant startedAt, Instant finishedAt, int setupFailures, Instant deferUntil, List<BuildOutput> outputs) {

    public Build {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(derivation, "derivation");
        Objects.requireNonNull(createdAt, "createdAt");
        system = system == null ? "" : system;
        tags = sorted(tags);
        requiredAgentTags = sorted(requiredAgentTags);
        outputs = List.copyOf(outputs == null ? List.of() : outputs);
    }

    /** The derivation's name: its store path without the directory and the hash, for example {@code hello-2.12.drv}. */
    public String name() {
        return nameOf(derivation);
    }

    /** The name of a derivation given by its store path, as {@link #name()}. */
    public static String nameOf(String derivation) {
        String base = derivation.substring(derivation.lastIndexOf('/') + 1);
        int dash = base.indexOf('-');
        return dash > 0 ? base.substring(dash + 1) : base;
    }

    /** The tags as {@code k=v} joined by spaces. */
    public String tagsText() {
        StringBuilder text = new StringBuilder();
        tags.forEach((k, v) -> text.append(text.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return text.toString();
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(map == null ? Map.of() : map));
    }
}
