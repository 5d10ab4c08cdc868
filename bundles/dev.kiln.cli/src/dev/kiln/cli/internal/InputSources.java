package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.kiln.store.ContentAddress;
import dev.kiln.store.FileIngestionMethod;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.NixBase32;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.store.narinfo.NarInfo;

/**
 * The input sources of submitted derivations, made ready for the coordinator's binary cache: each is found beside the
 * derivation file that needs it, else in the store directory; its content must be the one its store path says (a
 * source added recursively, a text file with its references, or a flat file), so that the narinfo carries the right
 * content address and references; it is serialised as a zstd-compressed NAR.
 */
final class InputSources {

    /** A source path a derivation needs, and the directory of the derivation file, where it is looked for first. */
    record Needed(StorePath path, Path directory, String neededBy) {
    }

    /**
     * A source ready to upload.
     *
     * @param references the store paths its content refers to, which the cache must serve too
     */
    record Prepared(StorePath path, Path compressedNar, String narFileName, NarInfo narInfo, Set<StorePath> references) {

        long fileSize() {
            return narInfo.fileSize().orElse(0);
        }
    }

    private InputSources() {
    }

    /**
     * Finds, checks and serialises a source into a file of the directory {@code temporary}.
     *
     * @throws CommandFailedException when the source is in neither place or its content is not the one its path says
     */
    static Prepared prepare(Needed source, Path temporary) throws IOException {
        StorePath path = source.path();
        Path beside = source.directory().resolve(path.baseName());
        Path file = Files.exists(beside, LinkOption.NOFOLLOW_LINKS) ? beside : Path.of(path.toString());
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CommandFailedException("input source " + path.baseName() + " of " + source.neededBy()
                    + " is missing: it is neither in " + source.directory() + " nor in the store, and the coordinator"
                    + " does not have it");
        }
        Path compressed = Files.createTempFile(temporary, path.hashPart(), ".nar.zst");
        HashingOutputStream hashing;
        try (OutputStream out = Compression.ZSTD.compress(Files.newOutputStream(compressed))) {
            hashing = new HashingOutputStream(HashAlgorithm.SHA256, out);
            NarWriter.write(file, hashing);
        }
        NarDigest nar = hashing.digest();
        Made made = contentAddress(path, file, nar.narHash(), source.directory());
        String narFileName = nar.narHash().toBase32() + ".nar.zst";
        NarInfo info = new NarInfo(path, "nar/" + narFileName, Compression.ZSTD.narInfoName(), Optional.empty(),
                OptionalLong.of(Files.size(compressed)), nar.narHash(), nar.narSize(),
                new TreeSet<>(made.references()), Optional.empty(), new TreeSet<>(), Optional.of(made.address()));
        return new Prepared(path, compressed, narFileName, info, made.references());
    }

    private record Made(ContentAddress address, Set<StorePath> references) {
    }

    /**
     * How the source's path was made, tried as Nix makes sources: recursively hashed without references
     * ({@code builtins.path}, {@code ./file}), a text file with references ({@code builtins.toFile}), a flat file.
     */
    private static Made contentAddress(StorePath path, Path file, Hash narHash, Path directory) throws IOException {
        StoreDir store = path.storeDir();
        ContentAddress recursive = new ContentAddress.Fixed(FileIngestionMethod.RECURSIVE, narHash);
        if (store.contentAddressedPath(path.name(), recursive, List.of(), false).equals(path)) {
            return new Made(recursive, Set.of());
        }
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = Files.readAllBytes(file);
            Hash sha256 = Hash.of(HashAlgorithm.SHA256, bytes);
            Set<StorePath> references = references(store, bytes, directory);
            ContentAddress text = new ContentAddress.Text(sha256);
            if (store.contentAddressedPath(path.name(), text, references, false).equals(path)) {
                return new Made(text, references);
            }
            ContentAddress flat = new ContentAddress.Fixed(FileIngestionMethod.FLAT, sha256);
            if (store.contentAddressedPath(path.name(), flat, List.of(), false).equals(path)) {
                return new Made(flat, Set.of());
            }
        }
        throw new CommandFailedException("input source " + file + " does not match its store path " + path
                + ": its content changed, or it was not added to the store as a source");
    }

    /** The store paths a text names, resolved to the files beside it or in the store. */
    private static Set<StorePath> references(StoreDir store, byte[] text, Path directory) throws IOException {
        Pattern mention = Pattern.compile(Pattern.quote(store.path() + "/") + "([" + NixBase32.ALPHABET + "]{"
                + StorePath.HASH_PART_LENGTH + "})-");
        Matcher matcher = mention.matcher(new String(text, StandardCharsets.ISO_8859_1));
        Set<String> hashParts = new TreeSet<>();
        while (matcher.find()) {
            hashParts.add(matcher.group(1));
        }
        Set<StorePath> references = new TreeSet<>();
        for (String hashPart : hashParts) {
            references.add(resolve(store, hashPart, directory)
                    .orElseThrow(() -> new CommandFailedException("a source refers to " + store.path() + "/" + hashPart
                            + "-…, which is neither in " + directory + " nor in the store")));
        }
        return references;
    }

    private static Optional<StorePath> resolve(StoreDir store, String hashPart, Path directory) throws IOException {
        List<Path> places = new ArrayList<>(List.of(directory));
        Path storeDirectory = Path.of(store.path());
        if (Files.isDirectory(storeDirectory)) {
            places.add(storeDirectory);
        }
        for (Path place : places) {
            try (DirectoryStream<Path> matches = Files.newDirectoryStream(place, hashPart + "-*")) {
                for (Path match : matches) {
                    return Optional.of(store.parseBaseName(match.getFileName().toString()));
                }
            }
        }
        return Optional.empty();
    }
}
