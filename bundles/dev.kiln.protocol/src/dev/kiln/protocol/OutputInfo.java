package dev.kiln.protocol;

import java.util.List;

/** A stored output of a build; {@code narHash} is {@code sha256:<nix-base32>}. */
public record OutputInfo(String name, String path, String narHash, long narSize, List<String> references) {
}
