package dev.kiln.allocator.internal;

/**
 * The allocator's part of the coordinator's configuration (PID {@value #PID}, described with the rest of it by the
 * coordinator bundle).
 */
@interface AllocatorConfiguration {

    String PID = "dev.kiln.coordinator";

    /** The name of the allocation strategy: {@code basic} or {@code derivation-ordered}. */
    String allocation_strategy() default BasicStrategy.NAME;

    /** The most builds allocated to one agent and not started yet. */
    int agent_max_allocated() default 8;

    /** Seconds after which an agent not heard of no longer counts among those that can take a build. */
    long agent_timeout_seconds() default 300;
}
