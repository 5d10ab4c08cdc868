package dev.kiln.store.derivation;

import dev.kiln.store.FileIngestionMethod;
import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StorePath;
import java.util.Objects;
import java.util.Optional;

/**
 * One output of a derivation, in one of the four forms of the ATerm tuple
 * {@code ("<id>","<path>","<method+algorithm>","<base16 hash>")}.
 * Immutable.
 */
public sealed interface DerivationOutput {

    /** @return the output path written in the derivation, empty when the path is not known before the build */
    Optional<StorePath> path();

    /** @return the third field of the ATerm tuple: {@code [r:]<algorithm>} or empty */
    String methodAndAlgorithm();

    /** @return the fourth field of the ATerm tuple: the base-16 hash or empty */
    String base16Hash();

    /**
     * An output whose path is computed from the derivation (the usual case).
     *
     * @param storePath the output path
     */
    record InputAddressed(StorePath storePath) implements DerivationOutput {
        public InputAddressed {
            Objects.requireNonNull(storePath, "storePath");
        }

        @Override
        public Optional<StorePath> path() {
            return Optional.of(storePath);
        }

        @Override
        public String methodAndAlgorithm() {
            return "";
        }

        @Override
        public String base16Hash() {
            return "";
        }
    }

    /**
     * The output of a fixed-output derivation, whose path is computed from the
     * announced hash of its content.
     *
     * @param storePath the output path written in the derivation
     * @param method    whether the hash covers a flat file or a NAR
     * @param hash      the announced hash of the content
     */
    record Fixed(StorePath storePath, FileIngestionMethod method, Hash hash) implements DerivationOutput {
        public Fixed {
            Objects.requireNonNull(storePath, "storePath");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(hash, "hash");
        }

        @Override
        public Optional<StorePath> path() {
            return Optional.of(storePath);
        }

        @Override
        public String methodAndAlgorithm() {
            return method.prefix() + hash.algorithm().nixName();
        }

        @Override
        public String base16Hash() {
            return hash.toBase16();
        }
    }

    /**
     * A content-addressed output whose hash is known only after the build
     * (Nix's experimental {@code ca-derivations}).
     *
     * @param method    whether the hash will cover a flat file or a NAR
     * @param algorithm the algorithm of that hash
     */
    record Floating(FileIngestionMethod method, HashAlgorithm algorithm) implements DerivationOutput {
        public Floating {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(algorithm, "algorithm");
        }

        @Override
        public Optional<StorePath> path() {
            return Optional.empty();
        }

        @Override
        public String methodAndAlgorithm() {
            return method.prefix() + algorithm.nixName();
        }

        @Override
        public String base16Hash() {
            return "";
        }
    }

    /**
     * An input-addressed output whose path cannot be known yet because an
     * input is content-addressed (experimental {@code ca-derivations}).
     */
    record Deferred() implements DerivationOutput {
        @Override
        public Optional<StorePath> path() {
            return Optional.empty();
        }

        @Override
        public String methodAndAlgorithm() {
            return "";
        }

        @Override
        public String base16Hash() {
            return "";
        }
    }
}
