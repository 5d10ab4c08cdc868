package dev.kiln.api.datastore;

import java.util.Objects;

/**
 * A jobset as the datastore keeps it: its name and its definition, a JSON object that the jobsets' bundle writes and
 * reads. The definition is opaque here, so that a jobset gains settings without a change of schema; its shares are
 * kept beside it too, for the allocator.
 *
 * @param name       unique
 * @param definition the jobset's settings as a JSON object
 * @param shares     its shares of build time, at least 1
 */
public record StoredJobset(String name, String definition, int shares) {

    public StoredJobset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definition, "definition");
        if (shares < 1) {
            throw new IllegalArgumentException("shares are at least 1: " + shares);
        }
    }

    /** A jobset of one share. */
    public StoredJobset(String name, String definition) {
        this(name, definition, 1);
    }
}
