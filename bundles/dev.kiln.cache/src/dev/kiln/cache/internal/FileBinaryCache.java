package dev.kiln.cache.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.StoredOutput;
import dev.kiln.cache.BinaryCache;
import dev.kiln.cache.CacheReport;
import dev.kiln.cache.CachedNar;
import dev.kiln.cache.UploadException;
import dev.kiln.cache.UploadException.Reason;
import dev.kiln.cache.storage.ObjectStore;
import dev.kiln.cache.storage.ObjectStream;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.NixBase32;
import dev.kiln.store.StorePath;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.store.narinfo.NarInfo;
import dev.kiln.store.narinfo.NarInfoFormatException;
import dev.kiln.store.narinfo.NixSecretKey;
import dev.kiln.store.tools.SigningKeys;

/**
 * The binary cache: verified NARs in the {@link ObjectStore} as {@code nars/<narhash>.nar.zst} (named by the
 * nix-base32 SHA-256 of the uncompressed NAR), and under the state directory {@code uploads/<build>.<output>.nar.zst}
 * (uploads in progress, put into the store once verified),
 * {@code incoming/} (files {@code nix copy --to} sent before their narinfo), {@code paths/<hash>.narinfo} (paths
 * seeded by operators), {@code derivations.idx} (the {@code .drv} paths served by hash part).
 */
@Component(configurationPid = CacheConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = CacheConfiguration.class)
public final class FileBinaryCache implements BinaryCache {

    private static final Logger LOG = LoggerFactory.getLogger(FileBinaryCache.class);
    private static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z0-9+\\-_?=][A-Za-z0-9+\\-._?=]{0,99}");
    private static final Pattern NAR_NAME = Pattern.compile("[0-9a-z]{1,64}\\.nar(\\.[a-z0-9]{1,5})?");
    private static final Pattern HASH_PART = Pattern.compile("[" + NixBase32.ALPHABET + "]{32}");
    private static final int BUFFER_SIZE = 1 << 18;
    /** The prefix of the NARs' keys in the store. */
    static final String NARS = "nars/";
    /** The directory of seeded paths' narinfos, under the state directory. */
    private static final String SEEDED = "paths";
    /** How many held paths {@link #verify()} reads from the database at once. */
    private static final int VERIFY_PAGE = 500;

    private final DerivationService derivations;
    private final CacheOptions options;
    private final NixSecretKey key;
    private final ObjectStore store;
    /** Keys signed with before a rotation: narinfos carry their signatures too, until their files are deleted. */
    private final List<NixSecretKey> previousKeys;
    private final Path uploads;
    private final Path incoming;
    private final Path seeded;
    private final Path temporary;
    private final DerivationIndex derivationIndex;
    private final KeyedLocks<Path> locks = new KeyedLocks<>();
    private final ConcurrentHashMap<String, CachedNar> derivationNars = new ConcurrentHashMap<>();
    /** The digests of uploads in progress, computed as their bytes arrive; each guarded by its file's lock. */
    private final ConcurrentHashMap<Path, UploadDigest> uploadDigests = new ConcurrentHashMap<>();

    @Activate
    public FileBinaryCache(@Reference DerivationService derivations, @Reference ObjectStore store,
            CacheConfiguration configuration) throws IOException {
        this.derivations = derivations;
        this.store = store;
        this.options = CacheOptions.from(configuration);
        Path state = options.stateDir();
        this.key = SigningKeys.loadOrCreate(state.resolve("keys"), options.keyName());
        this.previousKeys = SigningKeys.previous(state.resolve("keys"));
        this.uploads = Files.createDirectories(state.resolve("uploads"));
        this.incoming = Files.createDirectories(state.resolve("incoming"));
        this.seeded = Files.createDirectories(state.resolve(SEEDED));
        this.temporary = Files.createDirectories(state.resolve("tmp"));
        this.derivationIndex = new DerivationIndex(state.resolve("derivations.idx"));
        LOG.info("Binary cache in {} signs with {}{}", store.location(), key.publicKey(), previousKeys.isEmpty() ? ""
                : ", and with the keys before it: " + previousKeys.stream().map(NixSecretKey::name).toList());
    }

    @Override
    public String storeDir() {
        return options.storeDir().path();
    }

    @Override
    public String publicKey() {
        return key.publicKey().toString();
    }

    @Override
    public long received(UUID buildId, String output) throws IOException {
        Path file = uploadFile(buildId, output);
        return Files.exists(file) ? Files.size(file) : 0;
    }

    @Override
    public long write(UUID buildId, String output, long start, long total, InputStream body)
            throws IOException, UploadException {
        requireOutputName(output);
        Path file = uploadFile(buildId, output);
        KeyedLocks<Path>.Held locked = locks.lock(file);
        try {
            long held = Files.exists(file) ? Files.size(file) : 0;
            if (start != 0 && start != held) {
                throw new UploadException(Reason.WRONG_OFFSET,
                        "the upload of " + output + " holds " + held + " bytes, not " + start);
            }
            if (total >= 0 && start > total) {
                throw new UploadException(Reason.INVALID, "the range starts at " + start + ", beyond its total " + total);
            }
            UploadDigest digest = uploadDigest(file, start);
            boolean received = false;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.truncate(start);
                channel.position(start);
                byte[] buffer = new byte[BUFFER_SIZE];
                long position = start;
                int read;
                while ((read = body.read(buffer)) >= 0) {
                    if (total >= 0 && position + read > total) {
                        channel.truncate(start);
                        throw new UploadException(Reason.INVALID,
                                "the upload of " + output + " sends more than its total of " + total + " bytes");
                    }
                    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    position += read;
                    if (digest != null && !digest.add(buffer, read)) {
                        uploadDigests.remove(file, digest);
                        digest = null;
                    }
                }
                received = true;
                return position;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while receiving the upload of " + output);
            } finally {
                if (!received && digest != null) {
                    // What the file holds is checked from disk at the build's success.
                    uploadDigests.remove(file, digest);
                    digest.discard();
                }
            }
        } finally {
            locked.unlock();
        }
    }

    /**
     * The digest to hand the bytes of an upload from {@code start} to: a new one for an upload from its first byte,
     * the one in progress for one that continues where it stopped, none otherwise.
     */
    private UploadDigest uploadDigest(Path file, long start) {
        UploadDigest current = uploadDigests.get(file);
        if (start > 0 && current != null && current.position() == start) {
            return current;
        }
        if (current != null) {
            uploadDigests.remove(file, current);
            current.discard();
        }
        if (start > 0) {
            return null;
        }
        UploadDigest digest = new UploadDigest();
        uploadDigests.put(file, digest);
        return digest;
    }

    @Override
    public CachedNar accept(UUID buildId, String output, String narHash, long narSize, long fileSize)
            throws IOException, UploadException {
        requireOutputName(output);
        Hash expected = parseNarHash(narHash);
        String target = narKey(expected);
        Path file = uploadFile(buildId, output);
        KeyedLocks<Path>.Held locked = locks.lock(file);
        try {
            UploadDigest streamed = uploadDigests.remove(file);
            if (!Files.exists(file)) {
                if (streamed != null) {
                    streamed.discard();
                }
                OptionalLong held = store.size(target);
                if (held.isPresent()) {
                    return new CachedNar(expected.toPrefixedBase32(), narSize, target, held.getAsLong());
                }
                throw new UploadException(Reason.MISSING, "nothing was uploaded for output " + output);
            }
            long uploadedSize = Files.size(file);
            NarDigest digest = streamed == null ? null : finish(streamed, uploadedSize);
            if (digest == null) {
                digest = digestZstd(file, output);
            }
            if (!digest.narHash().equals(expected) || digest.narSize() != narSize
                    || (fileSize > 0 && uploadedSize != fileSize)) {
                Files.delete(file);
                throw new UploadException(Reason.CORRUPT, "the upload of " + output + " is a NAR of "
                        + digest.narSize() + " bytes with hash " + digest.narHash().toPrefixedBase32()
                        + " in a file of " + uploadedSize + " bytes, not " + narSize + " bytes with hash " + narHash
                        + (fileSize > 0 ? " in " + fileSize + " bytes" : "") + "; it was discarded");
            }
            store.put(target, file);
            return new CachedNar(expected.toPrefixedBase32(), narSize, target, uploadedSize);
        } finally {
            locked.unlock();
        }
    }

    /** The digest computed as the upload arrived, if it covers the whole file. */
    private static NarDigest finish(UploadDigest streamed, long uploadedSize) throws InterruptedIOException {
        if (streamed.position() != uploadedSize) {
            streamed.discard();
            return null;
        }
        try {
            return streamed.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while checking an upload");
        }
    }

    @Override
    public void discardUploads(UUID buildId) throws IOException {
        String prefix = buildId + ".";
        uploadDigests.entrySet().removeIf(entry -> {
            boolean ofBuild = entry.getKey().getFileName().toString().startsWith(prefix);
            if (ofBuild) {
                entry.getValue().discard();
            }
            return ofBuild;
        });
        try (DirectoryStream<Path> files = Files.newDirectoryStream(uploads, prefix + "*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public void derivationsKnown(Collection<String> derivationPaths) throws IOException {
        derivationIndex.addAll(derivationPaths);
    }

    @Override
    public Optional<String> narInfo(String hashPart) throws IOException {
        if (!HASH_PART.matcher(hashPart).matches()) {
            return Optional.empty();
        }
        Optional<NarInfo> info = storedOutput(hashPart);
        if (info.isEmpty()) {
            info = seededPath(hashPart);
        }
        if (info.isEmpty()) {
            info = derivation(hashPart);
        }
        return info.map(unsigned -> {
            NarInfo signed = unsigned.signedWith(key);
            for (NixSecretKey previous : previousKeys) {
                signed = signed.signedWith(previous);
            }
            return signed.render();
        });
    }

    @Override
    public Optional<ObjectStream> openNar(String name) throws IOException {
        if (!NAR_NAME.matcher(name).matches() || !name.endsWith(".nar.zst")) {
            return Optional.empty();
        }
        return store.open(NARS + name);
    }

    @Override
    public void putIncomingNar(String name, InputStream body) throws IOException, UploadException {
        if (!NAR_NAME.matcher(name).matches()) {
            throw new UploadException(Reason.INVALID, "not a NAR file name: " + name);
        }
        Path partial = Files.createTempFile(temporary, "incoming", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                body.transferTo(out);
            }
            Files.move(partial, incoming.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public void putNarInfo(String hashPart, String text) throws IOException, UploadException {
        NarInfo info;
        try {
            info = NarInfo.parse(options.storeDir(), text);
        } catch (NarInfoFormatException | IllegalArgumentException e) {
            throw new UploadException(Reason.INVALID, "not a narinfo: " + e.getMessage());
        }
        if (!info.storePath().hashPart().equals(hashPart)) {
            throw new UploadException(Reason.INVALID, "the narinfo of " + info.storePath() + " is not " + hashPart);
        }
        String url = info.url();
        String name = url.startsWith("nar/") ? url.substring(4) : "";
        if (!NAR_NAME.matcher(name).matches()) {
            throw new UploadException(Reason.INVALID, "the narinfo's URL is not nar/<file>: " + url);
        }
        Compression compression = Compression.byNarInfoName(info.compression()).orElseThrow(
                () -> new UploadException(Reason.INVALID, "unsupported compression: " + info.compression()));
        Path file = incoming.resolve(name);
        if (!Files.exists(file)) {
            throw new UploadException(Reason.MISSING, "the NAR " + url + " was not uploaded before its narinfo");
        }
        Path recompressed = Files.createTempFile(temporary, "seed", ".nar.zst");
        try {
            HashingOutputStream hashing;
            try (InputStream in = compression.decompress(new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE));
                    OutputStream out = Compression.ZSTD.compress(Files.newOutputStream(recompressed))) {
                hashing = new HashingOutputStream(HashAlgorithm.SHA256, out);
                in.transferTo(hashing);
            } catch (IOException e) {
                Files.delete(file);
                throw new UploadException(Reason.CORRUPT, "the NAR " + url + " does not decompress: " + e.getMessage());
            }
            NarDigest digest = hashing.digest();
            if (!digest.narHash().equals(info.narHash()) || digest.narSize() != info.narSize()) {
                Files.delete(file);
                throw new UploadException(Reason.CORRUPT, "the NAR " + url + " has hash "
                        + digest.narHash().toPrefixedBase32() + " and size " + digest.narSize()
                        + ", its narinfo says " + info.narHash().toPrefixedBase32() + " and " + info.narSize());
            }
            long fileSize = Files.size(recompressed);
            store.put(narKey(info.narHash()), recompressed);
            NarInfo kept = new NarInfo(info.storePath(), narUrl(info.narHash()), Compression.ZSTD.narInfoName(),
                    Optional.empty(), OptionalLong.of(fileSize), info.narHash(), info.narSize(),
                    info.references(), info.deriver(), new TreeSet<>(), info.ca());
            writeAtomically(seeded.resolve(hashPart + ".narinfo"), kept.render());
            Files.delete(file);
            LOG.info("Seeded {} ({} bytes)", info.storePath(), info.narSize());
        } finally {
            Files.deleteIfExists(recompressed);
        }
    }

    @Override
    public CacheReport verify() throws IOException {
        CacheVerification verification = new CacheVerification(store, this::served);
        List<StoredOutput> page;
        for (String after = ""; !(page = derivations.storedOutputs(after, VERIFY_PAGE)).isEmpty();
                after = page.get(page.size() - 1).path()) {
            for (StoredOutput output : page) {
                Hash narHash = Hash.parse(output.narHash());
                verification.check(output.path(), narKey(narHash), narHash, output.narSize(), output.references());
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(seeded, "*.narinfo")) {
            for (Path file : files) {
                String hashPart = file.getFileName().toString().replace(".narinfo", "");
                Optional<NarInfo> info = seededPath(hashPart);
                if (info.isPresent()) {
                    NarInfo seed = info.get();
                    verification.check(seed.storePath().toString(), narKey(seed.narHash()), seed.narHash(),
                            seed.narSize(), seed.references().stream().map(StorePath::toString).toList());
                }
            }
        }
        return verification.report();
    }

    /** The keys of the NARs that seeded paths' narinfos name: retention leaves them. */
    static Set<String> seededNarKeys(CacheOptions options) throws IOException {
        Set<String> keys = new HashSet<>();
        Path directory = options.stateDir().resolve(SEEDED);
        if (!Files.isDirectory(directory)) {
            return keys;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.narinfo")) {
            for (Path file : files) {
                try {
                    keys.add(narKey(NarInfo.parse(options.storeDir(), Files.readString(file, StandardCharsets.UTF_8))
                            .narHash()));
                } catch (NarInfoFormatException | NoSuchFileException e) {
                    LOG.warn("Retention skips the seeded narinfo {}: {}", file, e.getMessage());
                }
            }
        }
        return keys;
    }

    /** Whether the cache serves a store path: an output, a seeded path or a known derivation. */
    private boolean served(String path) {
        StorePath storePath;
        try {
            storePath = options.storeDir().parsePath(path);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String hashPart = storePath.hashPart();
        return derivations.storedOutputByHashPart(hashPart).isPresent()
                || Files.exists(seeded.resolve(hashPart + ".narinfo"))
                || derivationIndex.path(hashPart).filter(path::equals).isPresent();
    }

    private Optional<NarInfo> storedOutput(String hashPart) throws IOException {
        Optional<StoredOutput> stored = derivations.storedOutputByHashPart(hashPart);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        StoredOutput output = stored.get();
        Hash narHash = Hash.parse(output.narHash());
        OptionalLong fileSize = store.size(narKey(narHash));
        if (fileSize.isEmpty()) {
            LOG.warn("The NAR of {} is missing from {}", output.path(), store.location());
            return Optional.empty();
        }
        StorePath path = options.storeDir().parsePath(output.path());
        Optional<StorePath> deriver = Optional.ofNullable(output.deriver()).filter(d -> !d.isEmpty())
                .map(options.storeDir()::parsePath);
        return Optional.of(new NarInfo(path, narUrl(narHash), Compression.ZSTD.narInfoName(), Optional.empty(),
                fileSize, narHash, output.narSize(), paths(output.references()), deriver,
                new TreeSet<>(), Optional.empty()));
    }

    private Optional<NarInfo> seededPath(String hashPart) throws IOException {
        Path file = seeded.resolve(hashPart + ".narinfo");
        try {
            return Optional.of(NarInfo.parse(options.storeDir(), Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NarInfoFormatException e) {
            throw new IOException("the seeded narinfo " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    /** A {@code .drv} is served as the NAR of its text file, referring to its inputs. */
    private Optional<NarInfo> derivation(String hashPart) throws IOException {
        Optional<String> drvPath = derivationIndex.path(hashPart);
        if (drvPath.isEmpty() || !drvPath.get().startsWith(options.storeDir().path() + "/")) {
            return Optional.empty();
        }
        DerivationSummary summary;
        try {
            summary = derivations.get(drvPath.get());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        CachedNar nar = derivationNar(summary);
        TreeSet<String> references = new TreeSet<>(summary.inputSources());
        references.addAll(summary.inputDerivations().keySet());
        Hash narHash = Hash.parse(nar.narHash());
        return Optional.of(new NarInfo(options.storeDir().parsePath(summary.path()), narUrl(narHash),
                Compression.ZSTD.narInfoName(), Optional.empty(), OptionalLong.of(nar.fileSize()), narHash,
                nar.narSize(), paths(references), Optional.empty(), new TreeSet<>(), Optional.empty()));
    }

    private CachedNar derivationNar(DerivationSummary summary) throws IOException {
        CachedNar known = derivationNars.get(summary.path());
        if (known != null && store.size(known.key()).isPresent()) {
            return known;
        }
        Path text = Files.createTempFile(temporary, "drv", ".drv");
        Path compressed = Files.createTempFile(temporary, "drv", ".nar.zst");
        try {
            Files.writeString(text, summary.aterm(), StandardCharsets.UTF_8);
            HashingOutputStream hashing;
            try (OutputStream out = Compression.ZSTD.compress(Files.newOutputStream(compressed))) {
                hashing = new HashingOutputStream(HashAlgorithm.SHA256, out);
                NarWriter.write(text, hashing);
            }
            NarDigest digest = hashing.digest();
            String target = narKey(digest.narHash());
            long fileSize = Files.size(compressed);
            store.put(target, compressed);
            CachedNar nar = new CachedNar(digest.narHash().toPrefixedBase32(), digest.narSize(), target, fileSize);
            derivationNars.put(summary.path(), nar);
            return nar;
        } finally {
            Files.deleteIfExists(text);
            Files.deleteIfExists(compressed);
        }
    }

    private NarDigest digestZstd(Path file, String output) throws IOException, UploadException {
        HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA256, OutputStream.nullOutputStream());
        try (InputStream in = Compression.ZSTD.decompress(
                new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE))) {
            in.transferTo(hashing);
        } catch (IOException e) {
            Files.delete(file);
            throw new UploadException(Reason.CORRUPT,
                    "the upload of " + output + " is not zstd-compressed data (" + e.getMessage() + "); it was discarded");
        }
        return hashing.digest();
    }

    private TreeSet<StorePath> paths(Collection<String> references) {
        TreeSet<StorePath> paths = new TreeSet<>();
        for (String reference : references) {
            paths.add(options.storeDir().parsePath(reference));
        }
        return paths;
    }

    /**
     * One file for each upload, in one directory: a directory for each build, made for every upload, cost ext4 an
     * inode and a block more.
     */
    private Path uploadFile(UUID buildId, String output) {
        return uploads.resolve(buildId + "." + output + ".nar.zst");
    }

    static String narKey(Hash narHash) {
        return NARS + narHash.toBase32() + ".nar.zst";
    }

    private static String narUrl(Hash narHash) {
        return "nar/" + narHash.toBase32() + ".nar.zst";
    }

    private static Hash parseNarHash(String narHash) throws UploadException {
        try {
            Hash hash = Hash.parse(narHash);
            if (hash.algorithm() != HashAlgorithm.SHA256) {
                throw new UploadException(Reason.INVALID, "the NarHash must be sha256: " + narHash);
            }
            return hash;
        } catch (IllegalArgumentException e) {
            throw new UploadException(Reason.INVALID, "not a NarHash: " + narHash);
        }
    }

    private static void requireOutputName(String output) throws UploadException {
        if (output == null || !OUTPUT_NAME.matcher(output).matches()) {
            throw new UploadException(Reason.INVALID, "not an output name: " + output);
        }
    }

    private void writeAtomically(Path file, String text) throws IOException {
        Path partial = Files.createTempFile(temporary, file.getFileName().toString(), ".part");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
