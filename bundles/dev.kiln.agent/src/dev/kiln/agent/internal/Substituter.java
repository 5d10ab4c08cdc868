package dev.kiln.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.store.StorePath;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarUnpacker;
import dev.kiln.store.narinfo.NarInfo;
import dev.kiln.store.narinfo.NarInfoFormatException;
import dev.kiln.store.narinfo.NixPublicKey;

/**
 * Makes the input closure of a build present in the local store: each path already valid is kept, the others are
 * substituted from the binary caches, best first. A narinfo must name the path asked for and carry a signature by a
 * trusted key (when no key is trusted, only the coordinator's own cache is believed); the unpacked NAR must have the
 * narinfo's hash and size. Paths are substituted one at a time each, whatever the number of builds that need them.
 */
final class Substituter {

    private static final Logger LOG = LoggerFactory.getLogger(Substituter.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

    /**
     * A binary cache.
     *
     * @param base                     its URL, ending with a slash
     * @param trustedWithoutSignatures whether its narinfos are believed unsigned when no key is trusted
     */
    record BinaryCache(URI base, boolean trustedWithoutSignatures) {
    }

    /**
     * The outcome of setting up a closure.
     *
     * @param closure every path now valid that the roots need
     * @param missing the paths no cache could provide
     */
    record Closure(Set<StorePath> closure, SortedSet<StorePath> missing) {
    }

    private final LocalStore store;
    private final List<BinaryCache> caches;
    private final List<NixPublicKey> trustedKeys;
    private final HttpClient http;
    private final ConcurrentHashMap<StorePath, ReentrantLock> locks = new ConcurrentHashMap<>();

    Substituter(LocalStore store, List<BinaryCache> caches, List<NixPublicKey> trustedKeys, HttpClient http) {
        this.store = store;
        this.caches = List.copyOf(caches);
        this.trustedKeys = List.copyOf(trustedKeys);
        this.http = http;
    }

    Closure ensure(Collection<StorePath> roots) throws IOException, InterruptedException {
        Set<StorePath> closure = new HashSet<>();
        SortedSet<StorePath> missing = new TreeSet<>();
        Deque<StorePath> pending = new ArrayDeque<>(roots);
        while (!pending.isEmpty()) {
            StorePath path = pending.pop();
            if (closure.contains(path) || missing.contains(path)) {
                continue;
            }
            Optional<SortedSet<StorePath>> references = ensure(path);
            if (references.isEmpty()) {
                missing.add(path);
            } else {
                closure.add(path);
                pending.addAll(references.get());
            }
        }
        return new Closure(closure, missing);
    }

    /** @return the references of the path, now valid, or empty when no cache has it */
    private Optional<SortedSet<StorePath>> ensure(StorePath path) throws IOException, InterruptedException {
        ReentrantLock lock = locks.computeIfAbsent(path, ignored -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            if (store.isValid(path)) {
                return Optional.of(store.info(path).references());
            }
            for (BinaryCache cache : caches) {
                Optional<NarInfo> narInfo = narInfo(cache, path);
                if (narInfo.isPresent() && download(cache, narInfo.get())) {
                    return Optional.of(narInfo.get().references());
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private Optional<NarInfo> narInfo(BinaryCache cache, StorePath path) throws InterruptedException {
        URI uri = cache.base().resolve(path.hashPart() + ".narinfo");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            NarInfo narInfo = NarInfo.parse(store.storeDir(), response.body());
            if (!narInfo.storePath().equals(path)) {
                LOG.warn("{} describes {}, not {}: ignored", uri, narInfo.storePath(), path);
                return Optional.empty();
            }
            boolean trusted = trustedKeys.isEmpty() ? cache.trustedWithoutSignatures()
                    : narInfo.validSignatures(trustedKeys) > 0;
            if (!trusted) {
                LOG.warn("{} is not signed by a trusted key: ignored", uri);
                return Optional.empty();
            }
            return Optional.of(narInfo);
        } catch (IOException | NarInfoFormatException e) {
            LOG.warn("Cannot use {}: {}", uri, e.getMessage());
            return Optional.empty();
        }
    }

    private boolean download(BinaryCache cache, NarInfo narInfo) throws InterruptedException {
        URI uri = cache.base().resolve(narInfo.url());
        Optional<Compression> compression = Compression.byNarInfoName(narInfo.compression());
        if (compression.isEmpty()) {
            LOG.warn("{} uses the compression {}, which Kiln does not read: ignored", uri, narInfo.compression());
            return false;
        }
        StorePath path = narInfo.storePath();
        Path temporary = store.storeRoot().resolve(".substituting-" + path.hashPart() + "-" + UUID.randomUUID());
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            NarDigest digest;
            try (InputStream nar = compression.get().decompress(response.body())) {
                if (response.statusCode() != 200) {
                    LOG.warn("{} answered {}: ignored", uri, response.statusCode());
                    return false;
                }
                digest = NarUnpacker.unpack(nar, temporary);
            }
            if (!digest.equals(new NarDigest(narInfo.narHash(), narInfo.narSize()))) {
                LOG.warn("{} has the NAR hash {} and size {}, not {} and {} as its narinfo says: ignored", uri,
                        digest.narHash().toPrefixedBase32(), digest.narSize(), narInfo.narHash().toPrefixedBase32(),
                        narInfo.narSize());
                deleteQuietly(temporary);
                return false;
            }
            store.delete(path);
            Files.move(temporary, store.files(path), StandardCopyOption.ATOMIC_MOVE);
            store.register(path, digest, narInfo.references());
            LOG.debug("Substituted {} from {}", path, cache.base());
            return true;
        } catch (IOException e) {
            LOG.warn("Cannot substitute {} from {}: {}", path, uri, e.getMessage());
            deleteQuietly(temporary);
            return false;
        }
    }

    private static void deleteQuietly(Path temporary) {
        try {
            LocalStore.deleteTree(temporary);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", temporary, e.getMessage());
        }
    }
}
