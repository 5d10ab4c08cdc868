package dev.kiln.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
import dev.kiln.store.nar.ReferenceScanner;
import dev.kiln.store.narinfo.NarInfo;

/**
 * The input sources of submitted derivations, made ready for the coordinator's binary cache, each serialised as a
 * zstd-compressed NAR. A source is found beside the derivation file that needs it, else in the store directory. When
 * its content is the one its store path says (a source added recursively, a text file with its references, or a flat
 * file), the narinfo carries that content address and those references. Any other path a derivation may name (an
 * output built earlier, brought in by {@code builtins.storePath}) is taken only from the store directory, which vouches
 * for it: its narinfo has no content address, and its references are the store paths whose hash parts its NAR holds,
 * found as Nix finds them. One instance serves one submit; not thread-safe.
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

    private final Path temporary;
    /** The entries of each store directory, listed once: the candidate references of the paths taken from it. */
    private final Map<StoreDir, List<StorePath>> storeEntries = new HashMap<>();

    /** @param temporary the directory for the compressed NARs */
    InputSources(Path temporary) {
        this.temporary = temporary;
    }

    /**
     * Finds, checks and serialises a source into a file of the temporary directory.
     *
     * @throws SubmissionException when the source is in neither place, or is only beside the derivation file with a
     *                                content that is not the one its path says
     */
    Prepared prepare(Needed source) throws IOException {
        StorePath path = source.path();
        Path beside = source.directory().resolve(path.baseName());
        Path inStore = Path.of(path.toString());
        boolean besideExists = Files.exists(beside, LinkOption.NOFOLLOW_LINKS);
        boolean storeHasIt = Files.exists(inStore, LinkOption.NOFOLLOW_LINKS);
        if (besideExists && !(storeHasIt && Files.isSameFile(beside, inStore))) {
            Serialised nar = serialise(path, beside);
            Optional<Made> made = contentAddress(path, beside, nar.digest().narHash(), source.directory(), false);
            if (made.isPresent()) {
                return nar.prepared(path, made.get().address(), made.get().references());
            }
            Files.delete(nar.compressed());
            if (!storeHasIt) {
                throw new SubmissionException("input source " + beside + " does not match its store path " + path
                        + ": its content changed, or it was not added to the store as a source (a path that is not"
                        + " a source is taken only from " + path.storeDir().path() + ", where it is missing)");
            }
        } else if (!storeHasIt) {
            throw new SubmissionException("input source " + path.baseName() + " of " + source.neededBy()
                    + " is missing: it is neither in " + source.directory() + " nor in the store, and the coordinator"
                    + " does not have it");
        }
        Serialised nar = serialise(path, inStore);
        Optional<Made> made = contentAddress(path, inStore, nar.digest().narHash(), source.directory(), true);
        if (made.isPresent()) {
            return nar.prepared(path, made.get().address(), made.get().references());
        }
        return nar.prepared(path, null, scanReferences(path.storeDir(), inStore));
    }

    /** A source's compressed NAR and its digest. */
    private record Serialised(Path compressed, NarDigest digest) {

        /** @param address its content address, null for a path that is not content-addressed */
        Prepared prepared(StorePath path, ContentAddress address, Set<StorePath> references) throws IOException {
            String narFileName = digest.narHash().toBase32() + ".nar.zst";
            NarInfo info = new NarInfo(path, "nar/" + narFileName, Compression.ZSTD.narInfoName(), Optional.empty(),
                    OptionalLong.of(Files.size(compressed)), digest.narHash(), digest.narSize(),
                    new TreeSet<>(references), Optional.empty(), new TreeSet<>(), Optional.ofNullable(address));
            return new Prepared(path, compressed, narFileName, info, references);
        }
    }

    private Serialised serialise(StorePath path, Path file) throws IOException {
        Path compressed = Files.createTempFile(temporary, path.hashPart(), ".nar.zst");
        HashingOutputStream hashing;
        try (OutputStream out = Compression.ZSTD.compress(Files.newOutputStream(compressed))) {
            hashing = new HashingOutputStream(HashAlgorithm.SHA256, out);
            NarWriter.write(file, hashing);
        }
        return new Serialised(compressed, hashing.digest());
    }

    /**
     * The references of a path of the store directory that is not content-addressed, as Nix finds those of a build
     * output: the entries of the store directory whose hash parts its NAR holds, itself included. A second pass over
     * its files, made only for such paths, spares listing the store for the sources.
     */
    private Set<StorePath> scanReferences(StoreDir store, Path file) throws IOException {
        ReferenceScanner scanner = new ReferenceScanner(entries(store), OutputStream.nullOutputStream());
        NarWriter.write(file, scanner);
        return scanner.references();
    }

    /** The store paths in a store directory, listed once. */
    private List<StorePath> entries(StoreDir store) throws IOException {
        List<StorePath> listed = storeEntries.get(store);
        if (listed != null) {
            return listed;
        }
        List<String> names;
        try (Stream<Path> files = Files.list(Path.of(store.path()))) {
            names = files.map(file -> file.getFileName().toString()).sorted().toList();
        }
        // Sorted, a path comes before the lock file Nix may leave beside it, which has the same hash part.
        Map<String, StorePath> byHashPart = new LinkedHashMap<>();
        for (String name : names) {
            try {
                StorePath entry = store.parseBaseName(name);
                byHashPart.putIfAbsent(entry.hashPart(), entry);
            } catch (IllegalArgumentException e) {
                // Not a store path: Nix's own files, such as .links.
            }
        }
        listed = List.copyOf(byHashPart.values());
        storeEntries.put(store, listed);
        return listed;
    }

    private record Made(ContentAddress address, Set<StorePath> references) {
    }

    /**
     * How the source's path was made, tried as Nix makes sources: recursively hashed without references
     * ({@code builtins.path}, {@code ./file}), a text file with references ({@code builtins.toFile}), a flat file.
     *
     * @param inStore whether the file is the store's: a text naming a path found nowhere is then no source but any
     *                other path, else it is a source whose reference is missing
     */
    private static Optional<Made> contentAddress(StorePath path, Path file, Hash narHash, Path directory,
            boolean inStore) throws IOException {
        StoreDir store = path.storeDir();
        ContentAddress recursive = new ContentAddress.Fixed(FileIngestionMethod.RECURSIVE, narHash);
        if (store.contentAddressedPath(path.name(), recursive, List.of(), false).equals(path)) {
            return Optional.of(new Made(recursive, Set.of()));
        }
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = Files.readAllBytes(file);
            Hash sha256 = Hash.of(HashAlgorithm.SHA256, bytes);
            Optional<Set<StorePath>> references = references(store, bytes, directory, !inStore);
            ContentAddress text = new ContentAddress.Text(sha256);
            if (references.isPresent()
                    && store.contentAddressedPath(path.name(), text, references.get(), false).equals(path)) {
                return Optional.of(new Made(text, references.get()));
            }
            ContentAddress flat = new ContentAddress.Fixed(FileIngestionMethod.FLAT, sha256);
            if (store.contentAddressedPath(path.name(), flat, List.of(), false).equals(path)) {
                return Optional.of(new Made(flat, Set.of()));
            }
        }
        return Optional.empty();
    }

    /**
     * The store paths a text names, resolved to the files beside it or in the store; none when one is found nowhere.
     *
     * @param required whether a path found nowhere stops the submit
     */
    private static Optional<Set<StorePath>> references(StoreDir store, byte[] text, Path directory, boolean required)
            throws IOException {
        Pattern mention = Pattern.compile(Pattern.quote(store.path() + "/") + "([" + NixBase32.ALPHABET + "]{"
                + StorePath.HASH_PART_LENGTH + "})-");
        Matcher matcher = mention.matcher(new String(text, StandardCharsets.ISO_8859_1));
        Set<String> hashParts = new TreeSet<>();
        while (matcher.find()) {
            hashParts.add(matcher.group(1));
        }
        Set<StorePath> references = new TreeSet<>();
        for (String hashPart : hashParts) {
            Optional<StorePath> found = resolve(store, hashPart, directory);
            if (found.isPresent()) {
                references.add(found.get());
            } else if (required) {
                throw new SubmissionException("a source refers to " + store.path() + "/" + hashPart
                        + "-…, which is neither in " + directory + " nor in the store");
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(references);
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
