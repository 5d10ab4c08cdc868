package dev.kiln.store.narinfo;

import dev.kiln.store.ContentAddress;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.internal.NarInfoParser;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The description of a store path in a binary cache: the
 * {@code <hash>.narinfo} file, read and written as Nix does.
 * <p>
 * The signatures sign the {@link #fingerprint()}
 * {@code 1;<store path>;<NAR hash>;<NAR size>;<references>}. Immutable and
 * thread-safe.
 *
 * @param storePath   the path described
 * @param url         where the (compressed) NAR is, relative to the cache
 * @param compression the compression of that file, by its narinfo name ({@code bzip2} when a narinfo states none)
 * @param fileHash    the SHA-256 of that file, if known
 * @param fileSize    the size of that file, if known
 * @param narHash     the SHA-256 of the NAR
 * @param narSize     the size of the NAR
 * @param references  the store paths the path refers to
 * @param deriver     the derivation that built it, if known
 * @param sigs        the signatures, sorted as Nix keeps them
 * @param ca          the content address, if the path is content-addressed
 */
public record NarInfo(
        StorePath storePath,
        String url,
        String compression,
        Optional<Hash> fileHash,
        OptionalLong fileSize,
        Hash narHash,
        long narSize,
        SortedSet<StorePath> references,
        Optional<StorePath> deriver,
        SortedSet<String> sigs,
        Optional<ContentAddress> ca) {

    /** Validates the parts and takes immutable copies. */
    public NarInfo {
        Objects.requireNonNull(storePath, "storePath");
        requireSingleLine(url, "URL");
        if (url.isEmpty()) {
            throw new IllegalArgumentException("the URL is empty");
        }
        requireSingleLine(compression, "Compression");
        Objects.requireNonNull(fileHash, "fileHash");
        Objects.requireNonNull(fileSize, "fileSize");
        Objects.requireNonNull(narHash, "narHash");
        if (narHash.algorithm() != HashAlgorithm.SHA256) {
            throw new IllegalArgumentException("the NAR hash must be a sha256 hash");
        }
        if (narSize <= 0) {
            throw new IllegalArgumentException("the NAR size must be positive, not " + narSize);
        }
        for (StorePath reference : references) {
            if (!reference.storeDir().equals(storePath.storeDir())) {
                throw new IllegalArgumentException("reference " + reference + " is not in the store " + storePath.storeDir());
            }
        }
        references = Collections.unmodifiableSortedSet(new TreeSet<>(references));
        Objects.requireNonNull(deriver, "deriver");
        sigs.forEach(sig -> requireSingleLine(sig, "Sig"));
        sigs = Collections.unmodifiableSortedSet(new TreeSet<>(sigs));
        Objects.requireNonNull(ca, "ca");
    }

    private static void requireSingleLine(String value, String field) {
        if (value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(field + " contains a line break");
        }
    }

    /**
     * Describes an uncompressed path without signatures, a common start for
     * {@link #withFile} and {@link #signedWith}.
     *
     * @param storePath  the path described
     * @param url        where its NAR is
     * @param narHash    the SHA-256 of the NAR
     * @param narSize    the size of the NAR
     * @param references the store paths it refers to
     * @param deriver    the derivation that built it, if known
     * @return the narinfo, with compression {@code none}
     */
    public static NarInfo of(StorePath storePath, String url, Hash narHash, long narSize, Collection<StorePath> references,
            Optional<StorePath> deriver) {
        return new NarInfo(storePath, url, "none", Optional.empty(), OptionalLong.empty(), narHash, narSize,
                new TreeSet<>(references), deriver, new TreeSet<>(), Optional.empty());
    }

    /**
     * Returns a copy that describes a differently stored file.
     *
     * @param newUrl         where the file is
     * @param newCompression its compression, by narinfo name
     * @param newFileHash    its SHA-256
     * @param newFileSize    its size
     * @return the copy
     */
    public NarInfo withFile(String newUrl, String newCompression, Hash newFileHash, long newFileSize) {
        return new NarInfo(storePath, newUrl, newCompression, Optional.of(newFileHash), OptionalLong.of(newFileSize), narHash,
                narSize, references, deriver, sigs, ca);
    }

    /**
     * Returns a copy with the content address set.
     *
     * @param contentAddress how the path was made
     * @return the copy
     */
    public NarInfo withContentAddress(ContentAddress contentAddress) {
        return new NarInfo(storePath, url, compression, fileHash, fileSize, narHash, narSize, references, deriver, sigs,
                Optional.of(contentAddress));
    }

    /**
     * The text that signatures sign:
     * {@code 1;<store path>;sha256:<base32 NAR hash>;<NAR size>;<comma-separated reference paths>}.
     *
     * @return the fingerprint
     */
    public String fingerprint() {
        return "1;" + storePath + ";" + narHash.toPrefixedBase32() + ";" + narSize + ";"
                + references.stream().map(StorePath::toString).collect(Collectors.joining(","));
    }

    /**
     * Returns a copy with one more signature.
     *
     * @param key the secret key to sign the fingerprint with
     * @return the signed copy
     */
    public NarInfo signedWith(NixSecretKey key) {
        SortedSet<String> newSigs = new TreeSet<>(sigs);
        newSigs.add(key.sign(fingerprint()));
        return new NarInfo(storePath, url, compression, fileHash, fileSize, narHash, narSize, references, deriver, newSigs, ca);
    }

    /**
     * Counts the signatures made by trusted keys, as Nix does to decide
     * whether {@code require-sigs} is satisfied (it needs at least one).
     *
     * @param trustedKeys the public keys to accept
     * @return the number of signatures that one of these keys verifies
     */
    public int validSignatures(Collection<NixPublicKey> trustedKeys) {
        String fingerprint = fingerprint();
        int valid = 0;
        for (String sig : sigs) {
            if (trustedKeys.stream().anyMatch(key -> key.verify(fingerprint, sig))) {
                valid++;
            }
        }
        return valid;
    }

    /**
     * Writes the narinfo text as Nix does: fields in Nix's order, one per line.
     *
     * @return the text
     */
    public String render() {
        StringBuilder text = new StringBuilder(512);
        text.append("StorePath: ").append(storePath).append('\n');
        text.append("URL: ").append(url).append('\n');
        text.append("Compression: ").append(compression).append('\n');
        fileHash.ifPresent(hash -> text.append("FileHash: ").append(hash.toPrefixedBase32()).append('\n'));
        fileSize.ifPresent(size -> text.append("FileSize: ").append(size).append('\n'));
        text.append("NarHash: ").append(narHash.toPrefixedBase32()).append('\n');
        text.append("NarSize: ").append(narSize).append('\n');
        text.append("References: ").append(references.stream().map(StorePath::baseName).collect(Collectors.joining(" "))).append('\n');
        deriver.ifPresent(path -> text.append("Deriver: ").append(path.baseName()).append('\n'));
        sigs.forEach(sig -> text.append("Sig: ").append(sig).append('\n'));
        ca.ifPresent(address -> text.append("CA: ").append(address.render()).append('\n'));
        return text.toString();
    }

    /**
     * Parses a narinfo text as Nix does: {@code <Field>: <value>} lines,
     * unknown fields ignored; {@code StorePath}, {@code URL},
     * {@code NarHash} and {@code NarSize} required; a missing
     * {@code Compression} means {@code bzip2}.
     *
     * @param storeDir the store directory the paths must be in
     * @param text     the narinfo text
     * @return the narinfo
     * @throws NarInfoFormatException naming the field that is missing or malformed
     */
    public static NarInfo parse(StoreDir storeDir, String text) throws NarInfoFormatException {
        return new NarInfoParser(storeDir).parse(text);
    }
}
