package dev.kiln.hooks.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the hook processor, the hooks directory and the default hooks. */
@ObjectClassDefinition(name = "Kiln hooks", description = "Event delivery to hooks, hot deployment, default hooks")
public @interface HooksConfiguration {

    String PID = "dev.kiln.hooks";

    @AttributeDefinition(name = "state.dir", description = "The coordinator's state directory: hooks/ and hooks-state/ live in it")
    String state_dir();

    @AttributeDefinition(description = "Hook calls running at once for each event type")
    int parallelism() default 4;

    @AttributeDefinition(description = "Parallelism of some event types, as type=count, for example build-success=8")
    String[] parallelism_by_type() default {};

    @AttributeDefinition(description = "Longest time a hook may take over one event, in milliseconds")
    long timeout_ms() default 60_000;

    @AttributeDefinition(description = "Wait before the first new attempt after a failure, in milliseconds; doubled each time")
    long retry_backoff_ms() default 1_000;

    @AttributeDefinition(description = "Longest wait between two attempts, in milliseconds")
    long retry_backoff_max_ms() default 300_000;

    @AttributeDefinition(description = "Attempts at one event before a hook gives up on it")
    int max_attempts() default 10;

    @AttributeDefinition(description = "How often the outbox is read when no notification came, in milliseconds")
    long poll_interval_ms() default 2_000;

    @AttributeDefinition(description = "How often the hooks directory is scanned, in milliseconds")
    long deploy_interval_ms() default 1_000;

    @AttributeDefinition(description = "Submit builds for the missing inputs of a build (default hook missing-inputs)")
    boolean missing_inputs() default true;

    @AttributeDefinition(description = "Retry a failed build up to this many times (default hook retry-failed); 0: never")
    int retry_failed_count() default 0;

    @AttributeDefinition(description = "Executable run for each event with the event as JSON on stdin (default hook command); empty: none")
    String command() default "";

    @AttributeDefinition(description = "Event type ids given to the command; empty: all")
    String[] command_events() default {};
}
