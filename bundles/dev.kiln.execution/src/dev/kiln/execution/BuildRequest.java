package dev.kiln.execution;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;

/**
 * What to build and how.
 *
 * @param drvPath         the store path of the derivation
 * @param derivation      the derivation; its store directory is the one the builder sees
 * @param storeRoot       where the store's files physically are: the store directory itself, or another directory
 *                        (such as {@code /var/lib/kiln-agent/root/nix/store}) mounted at the store directory inside
 *                        the sandbox
 * @param buildDirectory  a fresh, empty directory that the executor owns for this build (the builder's top directory
 *                        and, when sandboxed, the outputs while they are being made); the caller deletes it after
 * @param inputClosure    every store path the build may see: its inputs and all they refer to; the candidates for
 *                        the outputs' references along with the outputs themselves
 * @param sandbox         the sandbox to run the builder in, or null to run it directly, which needs
 *                        {@code storeRoot} to be the store directory
 * @param timeout         the longest the build may run; zero for no limit
 * @param maxSilent       the longest the build may run without writing to its log; zero for no limit
 * @param maxLogBytes     the most bytes the build may write to its log, 0 for no limit: the log is cut there, with a
 *                        last line that says so, and the build stopped
 * @param maxOutputBytes  the largest NAR an output may have, 0 for no limit: a larger one fails the build
 * @param cores           the value of {@code NIX_BUILD_CORES}
 * @param substituters    binary caches an executor that fetches its own inputs may use, best first
 * @param trustedKeys     public keys ({@code name:base64}) whose signatures those caches' narinfos must carry; when
 *                        there is none, only the first cache (the coordinator's) is used, and believed unsigned
 * @param log             where the builder's standard output and error go, as they come; written from one thread
 *                        at a time and not closed by the executor
 */
public record BuildRequest(
        StorePath drvPath,
        Derivation derivation,
        Path storeRoot,
        Path buildDirectory,
        Set<StorePath> inputClosure,
        Sandbox sandbox,
        Duration timeout,
        Duration maxSilent,
        long maxLogBytes,
        long maxOutputBytes,
        int cores,
        List<URI> substituters,
        List<String> trustedKeys,
        OutputStream log) {

    /** A request without log or output size limits. */
    public BuildRequest(StorePath drvPath, Derivation derivation, Path storeRoot, Path buildDirectory,
            Set<StorePath> inputClosure, Sandbox sandbox, Duration timeout, Duration maxSilent, int cores,
            List<URI> substituters, List<String> trustedKeys, OutputStream log) {
        this(drvPath, derivation, storeRoot, buildDirectory, inputClosure, sandbox, timeout, maxSilent, 0, 0, cores,
                substituters, trustedKeys, log);
    }

    /** Checks the parts and takes immutable copies. */
    public BuildRequest {
        Objects.requireNonNull(drvPath, "drvPath");
        Objects.requireNonNull(derivation, "derivation");
        Objects.requireNonNull(storeRoot, "storeRoot");
        Objects.requireNonNull(buildDirectory, "buildDirectory");
        inputClosure = Set.copyOf(inputClosure);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(maxSilent, "maxSilent");
        substituters = List.copyOf(substituters);
        trustedKeys = List.copyOf(trustedKeys);
        Objects.requireNonNull(log, "log");
        if (maxLogBytes < 0 || maxOutputBytes < 0) {
            throw new IllegalArgumentException("size limits are 0 or more: " + maxLogBytes + ", " + maxOutputBytes);
        }
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be at least 1, not " + cores);
        }
    }

    /**
     * A bubblewrap sandbox: the builder sees only its input closure, its outputs, its build directory, and the host
     * paths listed here (read-only); it has no network unless the derivation is fixed-output.
     *
     * @param bwrap     the {@code bwrap} program
     * @param hostPaths host files or directories to show read-only at the same place, such as {@code /bin} for
     *                  builders that are {@code /bin/sh}; those that do not exist are left out
     */
    public record Sandbox(Path bwrap, List<Path> hostPaths) {

        /** Checks the parts and takes an immutable copy. */
        public Sandbox {
            Objects.requireNonNull(bwrap, "bwrap");
            hostPaths = List.copyOf(hostPaths);
        }
    }
}
