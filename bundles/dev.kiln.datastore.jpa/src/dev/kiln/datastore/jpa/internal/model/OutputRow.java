package dev.kiln.datastore.jpa.internal.model;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** An output of a derivation or of a build: its name and store path. */
@Embeddable
public class OutputRow {

    @Column(name = "output_name", nullable = false)
    String name;

    @Column(name = "path", nullable = false)
    String path;

    public OutputRow() {
    }

    public OutputRow(String name, String path) {
        this.name = name;
        this.path = path;
    }
}
