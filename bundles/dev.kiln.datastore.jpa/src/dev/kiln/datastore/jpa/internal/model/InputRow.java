package dev.kiln.datastore.jpa.internal.model;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** One needed output of an input derivation. */
@Embeddable
public class InputRow {

    @Column(name = "input_drv_path", nullable = false)
    String derivationPath;

    @Column(name = "output_name", nullable = false)
    String outputName;

    public InputRow() {
    }

    public InputRow(String derivationPath, String outputName) {
        this.derivationPath = derivationPath;
        this.outputName = outputName;
    }
}
