package dev.kiln.store.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.nar.NarUnpacker;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.store.nar.ReferenceScanner;
import dev.kiln.store.tools.StoreCommands;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.kiln.testing.RealNix;

/**
 * NARs and their hashes as {@code nix-store --dump} and {@code nix-hash}
 * make them, for a tree with every kind of entry, and references as Nix
 * finds them in a build output.
 */
class NixNarConformanceTest {

    @TempDir
    Path temporary;

    /** A tree with executables, links of every kind, nested and empty directories, empty files and non-ASCII names. */
    static Path sampleTree(Path parent) throws IOException {
        Path root = Files.createDirectories(parent.resolve("tree"));
        Files.createDirectories(root.resolve("a/b/c/d"));
        Files.createDirectories(root.resolve("empty-directory"));
        Files.createFile(root.resolve("empty-file"));
        Files.writeString(root.resolve("a/b/c/d/deep"), "deep\n");
        Files.writeString(root.resolve("eight-by"), "12345678");
        Path script = Files.writeString(root.resolve("a/run"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path emptyExecutable = Files.createFile(root.resolve("empty-executable"));
        Files.setPosixFilePermissions(emptyExecutable, PosixFilePermissions.fromString("r-x------"));
        for (String name : List.of("é", "ü-umlaut", "日本語", "emoji-🙂", "Zebra", "apple", "Apple", "a-b", "a.b", "a_b", "a+b", "-dash")) {
            Files.writeString(root.resolve(name), name + "\n");
        }
        Files.createSymbolicLink(root.resolve("relative-link"), Path.of("a/run"));
        Files.createSymbolicLink(root.resolve("absolute-link"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(root.resolve("dangling-link"), Path.of("no/such/file"));
        Files.createSymbolicLink(root.resolve("directory-link"), Path.of("a/b"));
        Files.createSymbolicLink(root.resolve("a/b/up-link"), Path.of("../../é"));
        byte[] large = new byte[1_234_567];
        new Random(5).nextBytes(large);
        Files.write(root.resolve("a/large.bin"), large);
        return root;
    }

    @Test
    void writesTheBytesOfNixStoreDump() throws IOException {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        Path tree = sampleTree(temporary);
        List<Path> roots = new ArrayList<>(List.of(tree, tree.resolve("a/run"), tree.resolve("relative-link"), tree.resolve("empty-file"),
                tree.resolve("empty-directory"), tree.resolve("é")));

        for (Path root : roots) {
            Path nixNar = temporary.resolve("nix.nar");
            nix.runToFile(nixNar, "nix-store", "--dump", root.toString());
            ByteArrayOutputStream kilnNar = new ByteArrayOutputStream();
            StoreCommands.dump(root, kilnNar);
            assertArrayEquals(Files.readAllBytes(nixNar), kilnNar.toByteArray(), "NAR of " + root);
        }
    }

    @Test
    void hashesAsNixHash() throws IOException {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        Path tree = sampleTree(temporary);
        ByteArrayOutputStream nar = new ByteArrayOutputStream();
        NarWriter.write(tree, nar);

        assertEquals("sha256:" + nix.run("nix-hash", "--type", "sha256", "--base32", tree.toString()).strip(), StoreCommands.hash(tree));
        for (HashAlgorithm algorithm : HashAlgorithm.values()) {
            String nixBase16 = nix.run("nix-hash", "--type", algorithm.nixName(), tree.toString()).strip();
            assertEquals(nixBase16, Hash.of(algorithm, nar.toByteArray()).toBase16(), algorithm.nixName());
        }
        Path file = tree.resolve("a/large.bin");
        assertEquals(nix.run("nix-hash", "--type", "sha1", "--flat", "--base32", file.toString()).strip(),
                Hash.of(HashAlgorithm.SHA1, Files.readAllBytes(file)).toBase32());
    }

    @Test
    void unpacksNixsNarIntoATreeNixDumpsIdentically() throws IOException {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        Path nixNar = temporary.resolve("nix.nar");
        nix.runToFile(nixNar, "nix-store", "--dump", sampleTree(temporary).toString());

        Path unpacked = temporary.resolve("unpacked");
        NarUnpacker.unpack(new ByteArrayInputStream(Files.readAllBytes(nixNar)), unpacked);

        Path again = temporary.resolve("again.nar");
        nix.runToFile(again, "nix-store", "--dump", unpacked.toString());
        assertArrayEquals(Files.readAllBytes(nixNar), Files.readAllBytes(again));
    }

    @Test
    void findsTheReferencesNixFindsInABuildOutput() throws IOException {
        RealNix nix = RealNix.require(temporary.resolve("nix"));
        StoreDir storeDir = nix.directoryStoreDir();
        Path expression = Files.writeString(temporary.resolve("refs.nix"), """
                let
                  mk = name: script: derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" script ]; };
                  first = mk "first" "echo first > $out";
                  second = mk "second" "echo second > $out";
                  unused = mk "unused" "echo unused > $out";
                in mk "user" "/bin/mkdir $out; echo ${first} > $out/a; echo ${second}/bin/tool > $out/b; echo ${unused.drvPath} > /dev/null; echo $out > $out/self"
                """);
        String output = nix.run("nix-build", "--store", nix.directoryStore(), "--no-out-link", expression.toString()).strip();
        Set<String> nixReferences = Set.of(nix.run("nix-store", "--store", nix.directoryStore(), "--query", "--references", output)
                .strip().split("\n"));

        List<StorePath> candidates;
        try (Stream<Path> paths = Files.list(Path.of(storeDir.path()))) {
            candidates = paths.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith("."))
                    .map(storeDir::parseBaseName).toList();
        }
        ReferenceScanner scanner = new ReferenceScanner(candidates, OutputStream.nullOutputStream());
        NarWriter.write(Path.of(output), scanner);

        assertEquals(nixReferences, scanner.references().stream().map(StorePath::toString).collect(Collectors.toSet()));
        assertEquals(3, nixReferences.size(), "first, second and the output itself: " + nixReferences);
    }
}
