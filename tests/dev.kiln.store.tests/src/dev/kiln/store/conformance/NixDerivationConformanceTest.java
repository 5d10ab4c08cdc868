package dev.kiln.store.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationHasher;
import dev.kiln.store.internal.JsonReader;
import dev.kiln.store.tools.StoreCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.kiln.testing.RealNix;

/**
 * Derivations made by {@code nix-instantiate} in three store directories:
 * Kiln reads each one and writes it back to the same bytes, computes the
 * same output paths and {@code .drv} path as Nix, finds nothing to
 * complain about, and prints the same JSON as {@code nix show-derivation}.
 * The derivations cover one and several outputs, input derivations (on
 * several outputs, and fixed-output ones), input sources (a file, a
 * directory, a text file with a reference), fixed outputs flat and
 * recursive with MD5, SHA-1, SHA-256 and SHA-512, escapes and non-ASCII text.
 */
class NixDerivationConformanceTest {

    static final String EXPRESSION = """
            let
              sh = "/bin/sh";
              system = "x86_64-linux";
              multi = derivation { name = "multi"; inherit system; builder = sh;
                args = [ "-c" "echo > $out; echo > $dev; echo > $doc" ]; outputs = [ "out" "dev" "doc" ]; };
              fixed = name: mode: algo: hash: derivation { inherit name system; builder = sh;
                args = [ "-c" "echo fixed > $out" ]; outputHashMode = mode; outputHashAlgo = algo; outputHash = hash; };
              flatSha256 = fixed "flat-sha256" "flat" "sha256" "sha256-mJIoKfLB9Mnt9X4zIvGbRx1/nxwYkHBGB2gyqJ10a+E=";
              recursiveSha256 = fixed "recursive-sha256" "recursive" "sha256" "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
              recursiveSha1 = fixed "recursive-sha1" "recursive" "sha1" "0000000000000000000000000000000000000000";
              flatMd5 = fixed "flat-md5" "flat" "md5" "d41d8cd98f00b204e9800998ecf8427e";
              flatSha512 = fixed "flat-sha512" "flat" "sha512"
                "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==";
              notes = builtins.toFile "notes.txt" "refers to ${./src.txt}";
            in {
              inherit multi flatSha256 recursiveSha256 recursiveSha1 flatMd5 flatSha512;
              simple = derivation { name = "simple"; inherit system; builder = sh;
                args = [ "-c" "echo \\"quoted\\\\\\\\ \\t tab\\r\\n\\" > $out" ]; greeting = "héllo wörld ✓ 𝄞"; empty = ""; };
              withInputs = derivation { name = "with-inputs"; inherit system; builder = sh;
                args = [ "-c" "cat ${multi.dev} ${multi} ${./src.txt} ${./srcdir} ${notes} ${flatSha256} > $out" ]; };
              onFixed = derivation { name = "on-fixed"; inherit system; builder = sh; outputs = [ "out" "lib" ];
                args = [ "-c" "cat ${recursiveSha256} ${recursiveSha1} ${flatMd5} ${flatSha512} > $out" ]; };
            }
            """;

    /** The derivations of {@link #EXPRESSION}, by name. */
    static final Set<String> NAMES = Set.of("multi", "flat-sha256", "recursive-sha256", "recursive-sha1", "flat-md5",
            "flat-sha512", "simple", "with-inputs", "on-fixed");

    @TempDir
    Path temporary;

    /**
     * Instantiates {@link #EXPRESSION} in a store.
     *
     * @return the {@code .drv} files of the store
     */
    static List<Path> instantiate(RealNix nix, NixStores store, Path workDirectory) throws IOException {
        Files.createDirectories(workDirectory.resolve("srcdir/sub"));
        Files.writeString(workDirectory.resolve("src.txt"), "source text\n");
        Files.writeString(workDirectory.resolve("srcdir/sub/a"), "a\n");
        Path expression = Files.writeString(workDirectory.resolve("default.nix"), EXPRESSION);
        nix.run("nix-instantiate", "--store", store.uri(nix), expression.toString());
        try (Stream<Path> files = Files.list(store.files(nix))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".drv")).sorted().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(NixStores.class)
    void readsWritesAndChecksWhatNixInstantiateWrites(NixStores store) throws Exception {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        List<Path> drvFiles = instantiate(nix, store, Files.createDirectories(temporary.resolve("work")));
        StoreDir storeDir = store.storeDir(nix);
        Path files = store.files(nix);
        DerivationHasher hasher = new DerivationHasher(path -> Derivation.parse(path, Files.readAllBytes(files.resolve(path.baseName()))));

        Set<String> names = new TreeSet<>();
        for (Path file : drvFiles) {
            byte[] text = Files.readAllBytes(file);
            StorePath drvPath = storeDir.parseBaseName(file.getFileName().toString());
            Derivation derivation = Derivation.parse(drvPath, text);
            names.add(derivation.name());

            assertArrayEquals(text, derivation.toAterm(), "written back byte-identical: " + drvPath);
            assertEquals(drvPath, derivation.drvPath(), "the .drv path");
            assertEquals(List.of(), hasher.problems(derivation, Optional.of(drvPath)), "problems of " + drvPath);
            String nixOutputs = nix.run("nix-store", "--store", store.uri(nix), "--query", "--outputs", drvPath.toString());
            assertEquals(Set.of(nixOutputs.strip().split("\n")),
                    hasher.outputPaths(derivation).values().stream().map(StorePath::toString).collect(Collectors.toSet()),
                    "output paths of " + drvPath);
        }
        assertEquals(NAMES, names);
    }

    @ParameterizedTest
    @EnumSource(NixStores.class)
    void showsDerivationsAsNixShowDerivation(NixStores store) throws Exception {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        List<Path> drvFiles = instantiate(nix, store, Files.createDirectories(temporary.resolve("work")));
        List<String> arguments = new ArrayList<>(List.of("nix", "show-derivation", "--store", store.uri(nix)));
        for (Path file : drvFiles) {
            arguments.add(store.storeDir(nix).path() + "/" + file.getFileName());
        }

        String nixJson = nix.run(arguments.toArray(String[]::new));
        String kilnJson = StoreCommands.showDerivation(drvFiles);

        assertEquals(JsonReader.read(nixJson), JsonReader.read(kilnJson));
        assertEquals(drvFiles.size(), ((Map<?, ?>) JsonReader.read(kilnJson)).size());
    }

    @ParameterizedTest
    @EnumSource(NixStores.class)
    void checkDerivationAcceptsNixsDerivationsAndRefusesTamperedCopies(NixStores store) throws Exception {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        List<Path> drvFiles = instantiate(nix, store, Files.createDirectories(temporary.resolve("work")));
        assertEquals(List.of(), StoreCommands.checkDerivations(drvFiles));

        Path withInputs = drvFiles.stream().filter(file -> file.toString().endsWith("-with-inputs.drv")).findFirst().orElseThrow();
        Path multi = drvFiles.stream().filter(file -> file.toString().endsWith("-multi.drv")).findFirst().orElseThrow();
        String text = Files.readString(withInputs);
        StorePath outPath = Derivation.parse(store.storeDir(nix).parseBaseName(withInputs.getFileName().toString()),
                Files.readAllBytes(withInputs)).outputs().get("out").path().orElseThrow();
        String forgedPath = outPath.storeDir() + "/" + (outPath.hashPart().startsWith("a") ? "b" : "a")
                + outPath.hashPart().substring(1) + "-" + outPath.name();

        Path forgedOutput = copyOfStore(drvFiles, temporary.resolve("forged-output")).resolve(withInputs.getFileName());
        Files.writeString(forgedOutput, text.replace(outPath.toString(), forgedPath));
        Path changedBuilder = copyOfStore(drvFiles, temporary.resolve("changed-builder")).resolve(withInputs.getFileName());
        Files.writeString(changedBuilder, text.replace("\"/bin/sh\"", "\"/bin/bash\""));
        Path changedInputDirectory = copyOfStore(drvFiles, temporary.resolve("changed-input"));
        Files.writeString(changedInputDirectory.resolve(multi.getFileName()),
                Files.readString(multi).replace("echo > $out", "echo changed > $out"));
        Path besideChangedInput = changedInputDirectory.resolve(withInputs.getFileName());

        List<String> problems = StoreCommands.checkDerivations(List.of(forgedOutput, changedBuilder, besideChangedInput));

        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(forgedOutput + ": output 'out' is " + forgedPath + ", should be " + outPath),
                problems.get(0));
        assertTrue(problems.get(0).contains("environment variable 'out' is '" + forgedPath + "', should be " + outPath), problems.get(0));
        assertTrue(problems.get(0).contains("but its text belongs at"), problems.get(0));
        assertTrue(problems.get(1).startsWith(changedBuilder + ": output 'out' is " + outPath + ", should be "), problems.get(1));
        assertTrue(problems.get(1).contains("but its text belongs at"), problems.get(1));
        // The derivation itself is intact: what changed is the hash of its input, so only its outputs are wrong.
        assertTrue(problems.get(2).startsWith(besideChangedInput + ": output 'out' is " + outPath + ", should be "), problems.get(2));
        assertFalse(problems.get(2).contains("but its text belongs at"), problems.get(2));
    }

    private static Path copyOfStore(List<Path> drvFiles, Path directory) throws IOException {
        Files.createDirectories(directory);
        for (Path file : drvFiles) {
            Files.copy(file, directory.resolve(file.getFileName()));
        }
        return directory;
    }
}
