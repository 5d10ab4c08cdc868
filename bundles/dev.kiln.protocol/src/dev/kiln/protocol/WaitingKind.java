package dev.kiln.protocol;

/**
 * The kinds of reason why a build waits, in the order they are given: {@code inputs-not-built}, {@code input-failed},
 * {@code no-able-agent}, {@code agents-busy}, {@code deferred}.
 */
public enum WaitingKind {
    INPUTS_NOT_BUILT, INPUT_FAILED, NO_ABLE_AGENT, AGENTS_BUSY, DEFERRED;

    /** The JSON name, such as {@code inputs-not-built}. */
    @Override
    public String toString() {
        return WireNames.of(this);
    }
}
