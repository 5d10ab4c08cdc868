package dev.kiln.desktop.model;

import java.util.Arrays;

/** The states of a build, as the client API names them. */
public enum BuildState {
    SCHEDULED("scheduled"),
    ALLOCATED("allocated"),
    STARTED("started"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELED("canceled"),
    DEPENDENCY_FAILED("dependency-failed");

    private final String id;

    BuildState(String id) {
        this.id = id;
    }

    /** The name in the API, for example {@code dependency-failed}. */
    public String id() {
        return id;
    }

    /** Whether the build waits for or holds an agent: an operator may cancel it. */
    public boolean isPending() {
        return this == SCHEDULED || this == ALLOCATED || this == STARTED;
    }

    /** Whether the build is over and an operator may retry it. */
    public boolean isRetriable() {
        return this == FAILED || this == CANCELED || this == DEPENDENCY_FAILED;
    }

    /** Whether no further change happens without an operator. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /** @throws IllegalArgumentException for a name the API does not use */
    public static BuildState fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown build state: " + id));
    }

    @Override
    public String toString() {
        return id;
    }
}
