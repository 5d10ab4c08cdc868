package dev.kiln.cache;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

import dev.kiln.cache.storage.ObjectStream;

/**
 * The coordinator's binary cache. NARs are kept zstd-compressed in the cache's object store, named by their
 * NarHash; narinfos are generated on request and signed with the coordinator's key. Thread-safe; uploads of the
 * same output are serialised.
 */
@ProviderType
public interface BinaryCache {

    /** The store directory the cache serves, such as {@code /nix/store}. */
    String storeDir();

    /** The public key narinfos are signed with, {@code name:base64} as Nix's {@code trusted-public-keys} wants. */
    String publicKey();

    /** How many bytes of an output upload are held so far (0 when none). */
    long received(UUID buildId, String output) throws IOException;

    /**
     * Appends the bytes of a zstd-compressed NAR to an output upload.
     *
     * @param start where these bytes start; 0 starts the upload afresh, anything else must equal {@link #received}
     * @param total the compressed size announced, or -1 when unknown; the upload never grows beyond it
     * @return the bytes held after this write; bytes written before a broken connection are kept
     * @throws UploadException {@link UploadException.Reason#WRONG_OFFSET} when {@code start} is not where the upload
     *         stopped, {@link UploadException.Reason#INVALID} for more bytes than announced or a bad output name
     */
    long write(UUID buildId, String output, long start, long total, InputStream body)
            throws IOException, UploadException;

    /**
     * Checks an uploaded output against its announced NarHash and NarSize (and file size when positive) and keeps it
     * content-addressed. A NAR already held with that hash and size is accepted without an upload. A mismatch discards
     * the upload.
     */
    CachedNar accept(UUID buildId, String output, String narHash, long narSize, long fileSize)
            throws IOException, UploadException;

    /** Forgets every partial upload of a build. */
    void discardUploads(UUID buildId) throws IOException;

    /** Remembers derivation paths, so that their {@code .drv} files are served by hash part. */
    void derivationsKnown(Collection<String> derivationPaths) throws IOException;

    /** The signed narinfo text of a store path by its hash part, if the cache can serve it. */
    Optional<String> narInfo(String hashPart) throws IOException;

    /** The bytes of {@code nar/<name>}, if held; the caller closes them. */
    Optional<ObjectStream> openNar(String name) throws IOException;

    /** Keeps a file that {@code nix copy --to} sends ({@code nar/<name>}) until its narinfo arrives. */
    void putIncomingNar(String name, InputStream body) throws IOException, UploadException;

    /**
     * Takes a narinfo that {@code nix copy --to} sends: its NAR must have been put before; it is verified against the
     * narinfo and kept; the path is served from then on.
     */
    void putNarInfo(String hashPart, String text) throws IOException, UploadException;

    /**
     * Checks every path the cache serves from its outputs and seeded paths: its NAR is in the store, decompresses, and
     * has the NarHash and NarSize its narinfo gives; every path it refers to is served too. Reads every NAR: it takes
     * as long as reading the store once. Runs on the caller's thread, alongside everything else.
     */
    CacheReport verify() throws IOException;
}
