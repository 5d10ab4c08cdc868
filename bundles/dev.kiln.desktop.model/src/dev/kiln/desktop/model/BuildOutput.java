package dev.kiln.desktop.model;

import java.util.List;

/**
 * One output of a build, with the metadata of its NAR once built.
 *
 * @param narHash {@code sha256:...}, or {@code null} before the build succeeded
 * @param narSize bytes of the NAR, 0 before the build succeeded
 */
public record BuildOutput(String name, String path, String narHash, long narSize, List<String> references) {

    public BuildOutput {
        references = List.copyOf(references == null ? List.of() : references);
    }
}
