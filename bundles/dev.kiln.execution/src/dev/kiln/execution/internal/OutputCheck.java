package dev.kiln.execution.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import dev.kiln.execution.BuiltOutput;
import dev.kiln.store.FileIngestionMethod;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.DerivationOutput;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.store.nar.ReferenceScanner;

/** What is checked and computed of each output after its builder succeeded. */
final class OutputCheck {

    private OutputCheck() {
    }

    /**
     * Checks the outputs' NAR sizes against the request's limit.
     *
     * @return null when every output is within it (or there is none), else why not
     */
    static String overSizeLimit(Collection<BuiltOutput> outputs, long maxOutputBytes) {
        if (maxOutputBytes <= 0) {
            return null;
        }
        for (BuiltOutput output : outputs) {
            if (output.nar().narSize() > maxOutputBytes) {
                return "output " + output.name() + " (" + output.path() + ") is " + output.nar().narSize()
                        + " bytes, over the limit of " + maxOutputBytes + " bytes: it is not uploaded";
            }
        }
        return null;
    }

    /**
     * Checks a fixed-output result against the hash its derivation announced, as Nix does.
     *
     * @param fixed the output's declaration
     * @param file  the output's files
     * @return null when it matches, else why not
     * @throws IOException if the output cannot be read
     */
    static String fixedOutputMismatch(DerivationOutput.Fixed fixed, Path file) throws IOException {
        HashAlgorithm algorithm = fixed.hash().algorithm();
        Hash actual;
        if (fixed.method() == FileIngestionMethod.FLAT) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.isExecutable(file)) {
                return "output " + fixed.storePath() + " should be a non-executable regular file, since its hash is flat";
            }
            MessageDigest digest = algorithm.newDigest();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[65536];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    digest.update(buffer, 0, read);
                }
            }
            actual = new Hash(algorithm, digest.digest());
        } else {
            HashingOutputStream hashing = new HashingOutputStream(algorithm, OutputStream.nullOutputStream());
            NarWriter.write(file, hashing);
            actual = hashing.digest().narHash();
        }
        if (actual.equals(fixed.hash())) {
            return null;
        }
        return "hash mismatch in fixed-output derivation " + fixed.storePath() + ": wanted "
                + fixed.hash().toPrefixedBase32() + ", got " + actual.toPrefixedBase32();
    }

    /**
     * Computes an output's NAR hash, size and references in one pass over its files.
     *
     * @param name       the output's name
     * @param path       its store path
     * @param file       its files
     * @param candidates the input closure
     * @param outputs    every output path of the build (an output may refer to itself and its siblings)
     * @return the output's description
     * @throws IOException if the output cannot be read
     */
    static BuiltOutput describe(String name, StorePath path, Path file, Collection<StorePath> candidates,
            Collection<StorePath> outputs) throws IOException {
        Set<StorePath> all = new HashSet<>(candidates);
        all.addAll(outputs);
        HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA256, OutputStream.nullOutputStream());
        ReferenceScanner scanner = new ReferenceScanner(all, hashing);
        NarWriter.write(file, scanner);
        return new BuiltOutput(name, path, hashing.digest(), scanner.references());
    }
}
