package dev.kiln.api;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What an agent reports about one output it built.
 *
 * @param name       the output's name, for example {@code out}
 * @param path       its store path
 * @param narHash    the hash of its NAR serialisation: {@code sha256:} and 52 nix-base32 characters
 * @param narSize    the size in bytes of that NAR
 * @param references the store paths it refers to, sorted, possibly including itself
 */
public record OutputMetadata(String name, String path, String narHash, long narSize, List<String> references) {

    private static final Pattern NAR_HASH = Pattern.compile("sha256:[0-9abcdfghijklmnpqrsvwxyz]{52}");

    public OutputMetadata {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException("an output has no name");
        }
        if (path == null || !path.startsWith("/")) {
            throw new InvalidRequestException("invalid path of output " + name + ": " + path);
        }
        if (narHash == null || !NAR_HASH.matcher(narHash).matches()) {
            throw new InvalidRequestException("the NarHash of " + path + " is not sha256:<nix-base32>: " + narHash);
        }
        if (narSize <= 0) {
            throw new InvalidRequestException("the NarSize of " + path + " must be positive: " + narSize);
        }
        references = List.copyOf(references == null ? List.of() : references.stream().sorted().distinct().toList());
    }
}
