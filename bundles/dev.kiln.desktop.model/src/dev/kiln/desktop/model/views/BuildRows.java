package dev.kiln.desktop.model.views;

import java.util.UUID;

import dev.kiln.protocol.BuildInfo;

/** Builds by index, as a virtual table asks for them. Thread-safe. */
public interface BuildRows {

    int size();

    /** The build at {@code index}, or {@code null} when it is outside the rows or not known yet. */
    BuildInfo row(int index);

    /** The index of the build among the rows known, or -1. */
    int indexOf(UUID id);
}
