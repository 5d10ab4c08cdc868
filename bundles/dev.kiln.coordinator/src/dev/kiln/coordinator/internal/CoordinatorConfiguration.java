package dev.kiln.coordinator.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Kiln coordinator",
        description = "The build lifecycle, the agents and the allocator of the coordinator.")
@interface CoordinatorConfiguration {

    String PID = "dev.kiln.coordinator";

    @AttributeDefinition(description = "The coordinator's state directory (outputs, logs, hooks)")
    String state_dir();

    @AttributeDefinition(description = "How the allocator orders builds: basic or derivation-ordered",
            required = false)
    String allocation_strategy() default "basic";

    @AttributeDefinition(description = "Seconds without a heartbeat after which an agent is lost and its builds "
            + "go back to scheduled", min = "1", required = false)
    long agent_timeout_seconds() default 300;

    @AttributeDefinition(description = "The most builds allocated to one agent and not started yet", min = "1",
            required = false)
    int agent_max_allocated() default 8;

    @AttributeDefinition(description = "Seconds a build held by an agent may go without a sign of life (a fetch, a "
            + "heartbeat naming it, log or upload bytes) before it is taken back and scheduled again; 0 for never",
            min = "0", required = false)
    long build_stall_seconds() default 600;

    @AttributeDefinition(description = "The longest a build may run, in seconds, unless it says otherwise; 0 for no "
            + "limit", min = "0", required = false)
    long build_timeout_seconds() default 0;

    @AttributeDefinition(description = "The longest a build may write nothing to its log, in seconds, unless it says "
            + "otherwise; 0 for no limit", min = "0", required = false)
    long build_max_silent_seconds() default 0;

    @AttributeDefinition(description = "The largest log a build may write, in bytes, unless it says otherwise; 0 for "
            + "no limit", min = "0", required = false)
    long build_max_log_bytes() default 0;

    @AttributeDefinition(description = "The largest NAR an output of a build may have, in bytes, unless it says "
            + "otherwise; 0 for no limit", min = "0", required = false)
    long build_max_output_bytes() default 0;
}
