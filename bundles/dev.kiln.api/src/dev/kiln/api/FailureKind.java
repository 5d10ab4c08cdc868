package dev.kiln.api;

import java.util.Arrays;

/** How a failed build ended: its builder failed, or it broke one of its limits and was stopped. */
public enum FailureKind {
    /** The builder failed, or an output was missing or had the wrong fixed hash. */
    FAILED("failed"),
    /** It ran longer than its timeout. */
    TIMED_OUT("timed-out"),
    /** It wrote nothing to its log for longer than its max-silent time. */
    SILENT("silent"),
    /** Its log grew past its max log size; the log is kept up to the limit. */
    LOG_LIMIT("log-limit"),
    /** An output's NAR was larger than its max output size; nothing was uploaded. */
    OUTPUT_LIMIT("output-limit");

    private final String id;

    FailureKind(String id) {
        this.id = id;
    }

    /** The kind's name in the API and in the database, for example {@code timed-out}. */
    public String id() {
        return id;
    }

    /** The kind named {@code id}. */
    public static FailureKind fromId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst()
                .orElseThrow(() -> new InvalidRequestException("unknown failure kind: " + id + "; one of "
                        + Arrays.stream(values()).map(FailureKind::id).toList()));
    }

    @Override
    public String toString() {
        return id;
    }
}
