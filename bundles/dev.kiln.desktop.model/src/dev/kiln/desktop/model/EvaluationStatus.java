package dev.kiln.desktop.model;

import java.util.Arrays;

/** Where an evaluation stands, as the client API names it. */
public enum EvaluationStatus {
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed");

    private final String id;

    EvaluationStatus(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException for a name the API does not use */
    public static EvaluationStatus fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown evaluation status: " + id));
    }

    @Override
    public String toString() {
        return id;
    }
}
