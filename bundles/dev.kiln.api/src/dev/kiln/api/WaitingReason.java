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
 * @param position for {@link WaitingKind#AGENTS_BUSY}, its place among the ready builds of its system, 1 for the
 *                 first
 * @param ready    for {@link WaitingKind#AGENTS_BUSY}, how many builds of its system are ready
 * @param ahead    for {@link WaitingKind#AGENTS_BUSY}, the first of the builds that go before it, best first
 * @param until    for {@link WaitingKind#DEFERRED}, when it may start
 */
public record WaitingReason(WaitingKind kind, String detail, List<InputBuild> inputs, Integer position, Integer ready,
        List<QueuedAhead> ahead, Instant until) {

    public WaitingReason {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        ahead = ahead == null ? List.of() : List.copyOf(ahead);
    }

    /** A reason of its inputs. */
    public static WaitingReason inputs(WaitingKind kind, String detail, List<InputBuild> inputs) {
        return new WaitingReason(kind, detail, inputs, null, null, null, null);
    }

    /** A reason told in its detail alone. */
    public static WaitingReason of(WaitingKind kind, String detail) {
        return new WaitingReason(kind, detail, null, null, null, null, null);
    }
}
