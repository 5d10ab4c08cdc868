package dev.kiln.desktop.model;

/** What the coordinator sorts a build listing by; builds equal in it stay in submission order. */
public enum BuildSort {
    SUBMITTED("submitted"),
    PRIORITY("priority"),
    STATE("state"),
    SYSTEM("system"),
    DERIVATION("derivation");

    private final String id;

    BuildSort(String id) {
        this.id = id;
    }

    /** The name in the API, for example {@code priority}. */
    public String id() {
        return id;
    }
}
