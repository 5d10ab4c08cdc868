package dev.kiln.api;

/** Why an agent could not set up a build. */
public enum SetupFailureKind {
    /** Some inputs are neither in the agent's store nor substitutable. */
    MISSING_INPUTS("missing-inputs"),
    /** Outputs present from an earlier attempt could not be deleted. */
    COULD_NOT_DELETE_OUTPUTS("could-not-delete-outputs");

    private final String id;

    SetupFailureKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static SetupFailureKind fromId(String id) {
        for (SetupFailureKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        throw new InvalidRequestException("unknown setup failure: " + id);
    }

    @Override
    public String toString() {
        return id;
    }
}
