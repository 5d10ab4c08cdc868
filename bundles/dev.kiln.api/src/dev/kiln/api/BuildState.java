package dev.kiln.api;

import java.util.Arrays;

/**
 * The states of a build: {@code scheduled → allocated → started → succeeded | failed}; {@code canceled} from any
 * state that is not final; {@code dependency-failed} while a build it needs has failed.
 */
public enum BuildState {
    /** Waiting to be allocated: its inputs may still be building, or it may be deferred. */
    SCHEDULED("scheduled"),
    /** Handed to an agent, which has not reported the start yet. */
    ALLOCATED("allocated"),
    /** Building on an agent. */
    STARTED("started"),
    /** Built; its outputs are held by the coordinator. */
    SUCCEEDED("succeeded"),
    /** The builder failed. */
    FAILED("failed"),
    /** Canceled by an operator. */
    CANCELED("canceled"),
    /** A build of one of its input derivations failed; back to scheduled when that input is retried. */
    DEPENDENCY_FAILED("dependency-failed");

    private final String id;

    BuildState(String id) {
        this.id = id;
    }

    /** The state's name in the API and in the database, for example {@code dependency-failed}. */
    public String id() {
        return id;
    }

    /** Whether the build is waiting for or holding an agent: scheduled, allocated or started. */
    public boolean isPending() {
        return this == SCHEDULED || this == ALLOCATED || this == STARTED;
    }

    /** Whether no further transition happens without an operator: succeeded, failed, canceled. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /** The state named {@code id}. */
    public static BuildState fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new InvalidRequestException("unknown build state: " + id));
    }

    @Override
    public String toString() {
        return id;
    }
}
