package dev.kiln.api.datastore;

import java.util.Objects;

/**
 * A jobset as the datastore keeps it: its name and its definition, a JSON object that the jobsets' bundle writes and
 * reads. The definition is opaque here, so that a jobset gains settings without a change of schema.
 *
 * @param name       unique
 * @param definition the jobset's settings as a JSON object
 */
public record StoredJobset(String name, String definition) {

    public StoredJobset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definition, "definition");
    }
}
