package dev.kiln.api;

/** The build, agent or derivation named in a request does not exist. */
public final class NotFoundException extends KilnException {

    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String id;

    public NotFoundException(String kind, Object id) {
        super("no " + kind + " " + id);
        this.kind = kind;
        this.id = String.valueOf(id);
    }

    /** What was looked for: {@code build}, {@code agent}, {@code derivation}. */
    public String kind() {
        return kind;
    }

    /** The identifier that was not found. */
    public String id() {
        return id;
    }
}
