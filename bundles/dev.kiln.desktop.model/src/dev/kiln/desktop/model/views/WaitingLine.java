package dev.kiln.desktop.model.views;

import java.util.ArrayList;
import java.util.List;

import dev.kiln.protocol.QueuePositionInfo;
import dev.kiln.protocol.QueuedAheadInfo;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.protocol.WaitingKind;
import dev.kiln.protocol.WaitingReasonInfo;

/**
 * Why a build waits, as the build details list it: a line for each reason the coordinator gives, in its order (its
 * sentence names the inputs, the place in the queue and the time it is deferred to), then, when every able agent is
 * busy, the builds that go before it, each with why.
 *
 * @param reason what the line is about: a reason's title, or empty for a line that details the reason above it
 * @param detail the reason's sentence, or a build ahead and why
 */
public record WaitingLine(String reason, String detail) {

    /** The lines for a build's reasons; none when it does not wait. */
    public static List<WaitingLine> of(WaitingInfo waiting) {
        List<WaitingLine> lines = new ArrayList<>();
        if (waiting == null) {
            return lines;
        }
        for (WaitingReasonInfo reason : waiting.reasons()) {
            lines.add(new WaitingLine(title(reason.kind()), reason.detail() == null ? "" : reason.detail()));
            QueuePositionInfo queue = reason.queue();
            if (queue != null) {
                for (QueuedAheadInfo ahead : queue.ahead() == null ? List.<QueuedAheadInfo>of() : queue.ahead()) {
                    lines.add(new WaitingLine("", "before it: " + Builds.nameOf(ahead.derivation()) + ", priority "
                            + ahead.effectivePriority() + (ahead.reason() == null ? "" : ", " + because(ahead))));
                }
            }
        }
        return lines;
    }

    private static String because(QueuedAheadInfo ahead) {
        return switch (ahead.reason()) {
            case HIGHER_PRIORITY -> "higher priority";
            case FAIR_SHARE -> "fair share" + (ahead.shareGroup() == null ? "" : " (" + ahead.shareGroup() + ")");
            case SUBMITTED_EARLIER -> "submitted earlier";
        };
    }

    /** A kind of reason in a few words, for the operator. */
    public static String title(WaitingKind kind) {
        return switch (kind) {
            case INPUTS_NOT_BUILT -> "Inputs not built yet";
            case INPUT_FAILED -> "An input failed";
            case NO_ABLE_AGENT -> "No agent can build it";
            case AGENTS_BUSY -> "Every able agent is busy";
            case DEFERRED -> "Deferred";
        };
    }
}
