package dev.kiln.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One reason why a build waits. The fields beside {@code kind} and {@code detail} are set for the kinds they belong to
 * and null (or empty) for the others.
 *
 * @param kind     the kind of reason
 * @param detail   the reason in one line for an operator, for example {@code no agent has kvm}
 * @param inputs   for {@link WaitingKind#INPUTS_NOT_BUILT} the inputs still pending, for
 *                 {@link WaitingKind#INPUT_FAILED} those that failed, each with the build that decides it
 * @param queue    for {@link WaitingKind#AGENTS_BUSY}, where it stands among the ready builds of its system and what
 *                 goes before it, when the allocator has it in a queue
 * @param until    for {@link WaitingKind#DEFERRED}, when it may start
 */
public record WaitingReason(WaitingKind kind, String detail, List<InputBuild> inputs, QueuePosition queue,
        Instant until) {

    public WaitingReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }

    /** A reason of its inputs. */
    public static WaitingReason inputs(WaitingKind kind, String detail, List<InputBuild> inputs) {
        return new WaitingReason(kind, detail, inputs, null, null);
    }

    /** A reason told in its detail alone. */
    public static WaitingReason of(WaitingKind kind, String detail) {
        return new WaitingReason(kind, detail, null, null, null);
    }
}
