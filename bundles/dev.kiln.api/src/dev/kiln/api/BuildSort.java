package dev.kiln.api;

import java.util.Arrays;

/**
 * What a build listing is sorted by. Builds equal in the sorted field are in submission order (their
 * {@link Build#sequence()}), in the same direction, so that pages never overlap nor skip a build.
 */
public enum BuildSort {
    /** The order of submission (the default). */
    SUBMITTED("submitted"),
    /** The operator's priority. */
    PRIORITY("priority"),
    /** The state's id, alphabetically ({@code allocated}, {@code canceled}, ...). */
    STATE("state"),
    /** The system, alphabetically. */
    SYSTEM("system"),
    /** The derivation's store path, that is its name after the hash. */
    DERIVATION("derivation");

    private final String id;

    BuildSort(String id) {
        this.id = id;
    }

    /** The sort's name in the API, for example {@code priority}. */
    public String id() {
        return id;
    }

    public static BuildSort fromId(String id) {
        return Arrays.stream(values()).filter(sort -> sort.id.equals(id)).findFirst()
                .orElseThrow(() -> new InvalidRequestException("unknown sort: " + id + " (one of "
                        + String.join(", ", Arrays.stream(values()).map(BuildSort::id).toList()) + ")"));
    }

    @Override
    public String toString() {
        return id;
    }
}
