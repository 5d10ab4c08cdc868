package dev.kiln.protocol;

import java.util.UUID;

/** An input derivation of a waiting build, with the build of it that decides it and that build's state. */
public record InputBuildInfo(String derivation, UUID build, BuildState state) {
}
