package dev.kiln.ci.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.kiln.api.BuildService;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.SubmitOptions;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.SubmitResult;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.derivation.DerivationHasher;

/**
 * Submits the derivations one evaluation finds, each as soon as it is found: reads its closure from the store,
 * checks every new {@code .drv} against the paths its text implies, sends the coordinator those it lacks and
 * submits the build. Not thread-safe: one per evaluation, which also lets it remember what it has read.
 */
final class DerivationSubmitter {

    private final BuildService builds;
    private final DerivationService known;
    private final StoreDir storeDir;
    private final Path storeRoot;
    private final Map<StorePath, Derivation> read = new HashMap<>();
    private final DerivationHasher hasher;

    DerivationSubmitter(BuildService builds, DerivationService known, String storeDir, String storeRoot) {
        this.builds = builds;
        this.known = known;
        this.storeDir = new StoreDir(storeDir);
        this.storeRoot = Path.of(storeRoot);
        this.hasher = new DerivationHasher(this::readDerivation);
    }

    /**
     * @throws InvalidRequestException when the path is not a derivation of the jobset's store, or its text is
     *         malformed or does not match its paths
     * @throws IOException when a {@code .drv} of its closure cannot be read
     */
    SubmitResult submit(String drvPath, SubmitOptions options) throws IOException {
        StorePath root;
        try {
            root = storeDir.parsePath(drvPath);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(drvPath + " is not a path of the store " + storeDir.path() + ": " + e.getMessage());
        }
        try {
            List<DerivationSummary> missing = new ArrayList<>();
            for (StorePath path : closureUnknownToCoordinator(root)) {
                Derivation derivation = readDerivation(path);
                hasher.check(derivation, path);
                missing.add(DerivationSummary.of(derivation, new String(derivation.toAterm(), StandardCharsets.UTF_8)));
            }
            return builds.submit(new SubmitRequest(missing, List.of(new BuildSubmission(drvPath, options)))).get(0);
        } catch (DerivationFormatException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    /** The derivation and its inputs, recursively, that the coordinator does not know yet. */
    private List<StorePath> closureUnknownToCoordinator(StorePath root) throws IOException, DerivationFormatException {
        Set<StorePath> unknown = new LinkedHashSet<>();
        Set<StorePath> frontier = Set.of(root);
        while (!frontier.isEmpty()) {
            Set<String> knownPaths = known.known(frontier.stream().map(StorePath::toString).toList());
            Set<StorePath> next = new TreeSet<>();
            for (StorePath path : frontier) {
                if (knownPaths.contains(path.toString()) || !unknown.add(path)) {
                    continue;
                }
                next.addAll(readDerivation(path).inputDrvs().keySet());
            }
            frontier = next;
        }
        return List.copyOf(unknown);
    }

    private Derivation readDerivation(StorePath path) throws IOException, DerivationFormatException {
        Derivation cached = read.get(path);
        if (cached != null) {
            return cached;
        }
        Derivation derivation = Derivation.parse(path, Files.readAllBytes(storeRoot.resolve(path.baseName())));
        read.put(path, derivation);
        return derivation;
    }
}
