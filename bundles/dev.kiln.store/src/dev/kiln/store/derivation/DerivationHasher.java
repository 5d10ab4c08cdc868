package dev.kiln.store.derivation;

import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StorePath;
import dev.kiln.store.internal.AtermWriter;
import dev.kiln.store.internal.Utf8Order;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Computes what Nix computes from a derivation: its hash modulo fixed
 * outputs, its output paths, and whether the paths it states are the ones its
 * text implies.
 * <p>
 * The hash modulo fixed outputs ({@code hashDerivationModulo}) is the
 * SHA-256 of the derivation's ATerm with every input derivation replaced by
 * that input's own hash modulo (in base 16), so that changing how a
 * fixed-output input is fetched does not change anything downstream. A
 * fixed-output derivation's hash is instead
 * {@code sha256("fixed:out:<method><algorithm>:<base16 hash>:<output path>")}.
 * Output paths hash the text with the output paths and the environment
 * variables of the outputs masked to empty strings.
 * <p>
 * The hashes of input derivations are cached by path, so one hasher should
 * serve a whole closure; checking a derivation at its path with
 * {@link #problems(Derivation, Optional)} caches its hash too, so that a
 * closure checked inputs first never needs the resolver. Hashes known from
 * elsewhere (of derivations checked before) can be given, so that checking a
 * derivation whose inputs were stored long ago does not hash their whole
 * closure again. Instances are thread-safe when their resolver is.
 */
public final class DerivationHasher {

    private final DerivationResolver resolver;
    private final Function<StorePath, Map<String, Hash>> knownHashes;
    private final Map<StorePath, Map<String, Hash>> inputHashes = new ConcurrentHashMap<>();

    /**
     * @param resolver finds the input derivations
     */
    public DerivationHasher(DerivationResolver resolver) {
        this(resolver, path -> null);
    }

    /**
     * @param resolver    finds the input derivations
     * @param knownHashes the hash modulo of a derivation's outputs when it is
     *                    known already, else {@code null}; asked before the
     *                    resolver, and trusted
     * @since 1.1
     */
    public DerivationHasher(DerivationResolver resolver, Function<StorePath, Map<String, Hash>> knownHashes) {
        this.resolver = resolver;
        this.knownHashes = knownHashes;
    }

    /**
     * The hashes modulo that this hasher computed or was given so far, by
     * derivation path: those of the input derivations it looked at, and of
     * the derivations it checked at their path.
     *
     * @return an unmodifiable view
     * @since 1.1
     */
    public Map<StorePath, Map<String, Hash>> hashes() {
        return Collections.unmodifiableMap(inputHashes);
    }

    /**
     * Computes the hash modulo fixed outputs of each output, as used when the
     * derivation is an input of another: Nix's {@code hashDerivationModulo}
     * with unmasked outputs. All outputs of a derivation that is not
     * fixed-output have the same hash.
     *
     * @param derivation the derivation
     * @return the hash of each output
     * @throws IOException               if an input derivation cannot be read
     * @throws DerivationFormatException if an input derivation is malformed
     */
    public SortedMap<String, Hash> hashModulo(Derivation derivation) throws IOException, DerivationFormatException {
        return hashModulo(derivation, false);
    }

    /**
     * Returns the cached hash modulo of an input derivation, resolving and
     * hashing it (and its own inputs) the first time.
     *
     * @param drvPath the path of the derivation
     * @return the hash of each of its outputs
     * @throws IOException               if it or one of its inputs cannot be read
     * @throws DerivationFormatException if it or one of its inputs is malformed
     */
    public Map<String, Hash> hashModulo(StorePath drvPath) throws IOException, DerivationFormatException {
        Map<String, Hash> cached = inputHashes.get(drvPath);
        if (cached == null) {
            cached = knownHashes.apply(drvPath);
            if (cached != null) {
                inputHashes.put(drvPath, cached);
                return cached;
            }
            Derivation input;
            try {
                input = resolver.resolve(drvPath);
            } catch (DerivationFormatException e) {
                throw new DerivationFormatException("the input derivation " + drvPath + " is malformed: " + e.getMessage(), e);
            }
            // Not computeIfAbsent: the computation recurses into this map.
            cached = hashModulo(input, false);
            inputHashes.put(drvPath, cached);
        }
        return cached;
    }

    /**
     * Computes the output paths that the derivation's text implies.
     *
     * @param derivation the derivation
     * @return the path of every output whose path can be known before the
     *         build (all but floating and deferred content-addressed outputs)
     * @throws IOException               if an input derivation cannot be read
     * @throws DerivationFormatException if an input derivation is malformed
     */
    public SortedMap<String, StorePath> outputPaths(Derivation derivation) throws IOException, DerivationFormatException {
        SortedMap<String, StorePath> paths = new TreeMap<>(Utf8Order.COMPARATOR);
        SortedMap<String, Hash> maskedHashes = null;
        for (Map.Entry<String, DerivationOutput> entry : derivation.outputs().entrySet()) {
            String outputName = entry.getKey();
            try {
                switch (entry.getValue()) {
                    case DerivationOutput.InputAddressed ignored -> {
                        if (maskedHashes == null) {
                            maskedHashes = hashModulo(derivation, true);
                        }
                        paths.put(outputName, derivation.storeDir().outputPath(outputName, maskedHashes.get(outputName), derivation.name()));
                    }
                    case DerivationOutput.Fixed fixed -> paths.put(outputName, fixedOutputPath(derivation, outputName, fixed));
                    case DerivationOutput.Floating ignored -> {
                    }
                    case DerivationOutput.Deferred ignored -> {
                    }
                }
            } catch (IllegalArgumentException e) {
                // A name that is valid for the derivation can still be too long once the output name is appended.
                throw new DerivationFormatException("output '" + outputName + "' cannot have a store path: " + e.getMessage(), e);
            }
        }
        return Collections.unmodifiableSortedMap(paths);
    }

    /**
     * Lists what is inconsistent in a derivation: output paths or output
     * environment variables that differ from what the text implies, a
     * {@code .drv} path that differs from the one its text hashes to, a mix
     * of output kinds that Nix refuses, and input derivations that cannot be
     * read.
     *
     * @param derivation the derivation
     * @param drvPath    the path the derivation was found at, if known
     * @return one message for each problem; empty when the derivation is consistent
     */
    public List<String> problems(Derivation derivation, Optional<StorePath> drvPath) {
        return problems(derivation, drvPath, derivation::drvPath);
    }

    /**
     * @param textDrvPath the path the derivation's text hashes to, computed
     *                    only when {@code drvPath} is present
     */
    private List<String> problems(Derivation derivation, Optional<StorePath> drvPath, Supplier<StorePath> textDrvPath) {
        List<String> problems = new ArrayList<>();
        typeProblems(derivation, problems);
        if (!problems.isEmpty()) {
            return problems;
        }
        SortedMap<String, StorePath> expected;
        try {
            expected = outputPaths(derivation);
        } catch (IOException e) {
            problems.add("an input derivation cannot be read: " + e);
            return problems;
        } catch (DerivationFormatException e) {
            problems.add(e.getMessage());
            return problems;
        }
        expected.forEach((outputName, expectedPath) -> {
            StorePath stated = derivation.outputs().get(outputName).path().orElseThrow();
            if (!stated.equals(expectedPath)) {
                problems.add("output '" + outputName + "' is " + stated + ", should be " + expectedPath);
            }
            String variable = derivation.env().get(outputName);
            if (variable == null) {
                problems.add("environment variable '" + outputName + "' is missing, should be " + expectedPath);
            } else if (!variable.equals(expectedPath.toString())) {
                problems.add("environment variable '" + outputName + "' is '" + variable + "', should be " + expectedPath);
            }
        });
        if (drvPath.isPresent()) {
            StorePath expectedDrvPath = textDrvPath.get();
            if (!drvPath.get().equals(expectedDrvPath)) {
                problems.add("the derivation is at " + drvPath.get() + " but its text belongs at " + expectedDrvPath);
            } else if (!inputHashes.containsKey(expectedDrvPath)) {
                // The text is the one stored at this path: remember its hash for the derivations that use it as an input.
                try {
                    inputHashes.put(expectedDrvPath, hashModulo(derivation, false));
                } catch (IOException | DerivationFormatException e) {
                    problems.add("the derivation cannot be hashed: " + e.getMessage());
                }
            }
        }
        return problems;
    }

    /**
     * Refuses an inconsistent derivation.
     *
     * @param derivation the derivation
     * @param drvPath    the path the derivation was found at
     * @throws DerivationFormatException naming every problem of {@link #problems(Derivation, Optional)}
     */
    public void check(Derivation derivation, StorePath drvPath) throws DerivationFormatException {
        List<String> problems = problems(derivation, Optional.of(drvPath));
        if (!problems.isEmpty()) {
            throw new DerivationFormatException(drvPath + ": " + String.join("; ", problems));
        }
    }

    /**
     * Reads the text stored at a {@code .drv} path and refuses it unless it is
     * well-formed and consistent, as a coordinator does with a submitted
     * closure (inputs first, so that their hashes are cached). Faster than
     * parsing and then calling {@link #check(Derivation, StorePath)}, since
     * the path is computed from the text as given.
     *
     * @param drvPath the path the text was found at or submitted for
     * @param aterm   the text
     * @return the derivation
     * @throws DerivationFormatException if the text is malformed or any
     *                                   problem of {@link #problems(Derivation, Optional)} is found
     */
    public Derivation parseAndCheck(StorePath drvPath, byte[] aterm) throws DerivationFormatException {
        Derivation derivation;
        try {
            derivation = Derivation.parse(drvPath, aterm);
        } catch (DerivationFormatException e) {
            throw new DerivationFormatException(drvPath + ": " + e.getMessage(), e);
        }
        // Parsing accepts only the text that the derivation writes back, so the given bytes are its ATerm.
        List<String> problems = problems(derivation, Optional.of(drvPath),
                () -> drvPath.storeDir().textPath(drvPath.name(), Hash.of(HashAlgorithm.SHA256, aterm), derivation.references()));
        if (!problems.isEmpty()) {
            throw new DerivationFormatException(drvPath + ": " + String.join("; ", problems));
        }
        return derivation;
    }

    private static void typeProblems(Derivation derivation, List<String> problems) {
        long fixedCount = derivation.outputs().values().stream().filter(DerivationOutput.Fixed.class::isInstance).count();
        if (fixedCount == 0) {
            return;
        }
        if (fixedCount != derivation.outputs().size()) {
            problems.add("fixed outputs are mixed with other outputs");
        } else if (fixedCount > 1) {
            problems.add("more than one fixed output");
        } else if (!derivation.outputs().containsKey("out")) {
            problems.add("the fixed output is not named 'out'");
        }
    }

    private static StorePath fixedOutputPath(Derivation derivation, String outputName, DerivationOutput.Fixed fixed) {
        return derivation.storeDir().fixedOutputPath(derivation.outputPathName(outputName), fixed.method(), fixed.hash());
    }

    private SortedMap<String, Hash> hashModulo(Derivation derivation, boolean maskOutputs)
            throws IOException, DerivationFormatException {
        SortedMap<String, Hash> hashes = new TreeMap<>(Utf8Order.COMPARATOR);
        if (derivation.isFixedOutput()) {
            for (Map.Entry<String, DerivationOutput> entry : derivation.outputs().entrySet()) {
                DerivationOutput.Fixed fixed = (DerivationOutput.Fixed) entry.getValue();
                String fingerprint = "fixed:out:" + fixed.methodAndAlgorithm() + ":" + fixed.base16Hash() + ":"
                        + fixedOutputPath(derivation, entry.getKey(), fixed);
                hashes.put(entry.getKey(), Hash.of(HashAlgorithm.SHA256, fingerprint));
            }
            return Collections.unmodifiableSortedMap(hashes);
        }
        SortedMap<String, SortedSet<String>> inputsByHash = new TreeMap<>();
        for (Map.Entry<StorePath, SortedSet<String>> input : derivation.inputDrvs().entrySet()) {
            Map<String, Hash> inputOutputHashes = hashModulo(input.getKey());
            for (String outputName : input.getValue()) {
                Hash outputHash = inputOutputHashes.get(outputName);
                if (outputHash == null) {
                    throw new DerivationFormatException("the input derivation " + input.getKey() + " has no output '" + outputName + "'");
                }
                inputsByHash.computeIfAbsent(outputHash.toBase16(), key -> new TreeSet<>(Utf8Order.COMPARATOR)).add(outputName);
            }
        }
        Hash hash = Hash.of(HashAlgorithm.SHA256, AtermWriter.write(derivation, maskOutputs, inputsByHash));
        for (String outputName : derivation.outputs().keySet()) {
            hashes.put(outputName, hash);
        }
        return Collections.unmodifiableSortedMap(hashes);
    }
}
