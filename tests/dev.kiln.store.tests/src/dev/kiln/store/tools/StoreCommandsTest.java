package dev.kiln.store.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.narinfo.NixPublicKey;
import dev.kiln.store.narinfo.NixSecretKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCommandsTest {

    /** The golden derivations of dev.kiln.store.derivation, made by nix-instantiate in /gnu/store. */
    private static final List<String> GOLDEN = List.of(
            "1brn1rw141nr6k1ac3z6qhcmkyh9zvhl-recursive-sha1.drv",
            "59fsdyyqpmmzabdkr865sxyb50jh3y8l-flat-sha512.drv",
            "fb9c3ga18z9g6024ncqw513fz30b42jk-flat-sha256.drv",
            "fkbx9y6w6ywywvq83qqjahvqfp4m06aa-recursive-sha256.drv",
            "if7dfi1r3l6ljp8kjfj9hv884ssavxhr-on-fixed.drv",
            "m1vqkmq29w02xq293xnz83pvw6zjwfpq-simple.drv",
            "nka5hdpc7d4mhbjal524912aild6hdyj-with-inputs.drv",
            "slh9w8qky0s7r7x6qa6s2i5v5v1azkp4-flat-md5.drv",
            "vghfq62lppbvhjcigrr8sknyd4skkck6-multi.drv");

    @TempDir
    Path temporary;

    @Test
    void showsDerivationsExactlyAsNixShowDerivation() throws Exception {
        List<Path> files = copyGolden(temporary);

        String json = StoreCommands.showDerivation(files);

        assertEquals(new String(resource("show-derivation.json"), StandardCharsets.UTF_8), json);
    }

    @Test
    void keysACopyNotNamedLikeAStorePathByTheStorePathItsTextImplies() throws Exception {
        Path copy = Files.write(temporary.resolve("simple.drv"), resource("m1vqkmq29w02xq293xnz83pvw6zjwfpq-simple.drv"));

        String json = StoreCommands.showDerivation(List.of(copy));

        assertTrue(json.startsWith("{\n  \"/gnu/store/m1vqkmq29w02xq293xnz83pvw6zjwfpq-simple.drv\": {\n"), json);
        assertEquals(List.of(), StoreCommands.checkDerivations(List.of(copy)));
    }

    @Test
    void refusesToShowWhatIsNotADerivation() throws IOException {
        Path bad = Files.writeString(temporary.resolve("bad.drv"), "Derive([");
        DerivationFormatException error = assertThrows(DerivationFormatException.class, () -> StoreCommands.showDerivation(List.of(bad)));
        assertTrue(error.getMessage().startsWith(bad + ": at byte 8: "), error.getMessage());
    }

    @Test
    void checksDerivationsAndReportsOneLinePerBadFile() throws Exception {
        List<Path> files = copyGolden(temporary);
        assertEquals(List.of(), StoreCommands.checkDerivations(files));

        Path malformed = Files.writeString(temporary.resolve("malformed.drv"), "Derive([]");
        Path missing = temporary.resolve("missing.drv");
        Path misnamed = temporary.resolve("00000000000000000000000000000000-simple.drv");
        Files.copy(temporary.resolve("m1vqkmq29w02xq293xnz83pvw6zjwfpq-simple.drv"), misnamed);
        List<Path> checked = new ArrayList<>(files);
        checked.addAll(List.of(malformed, missing, misnamed));

        List<String> problems = StoreCommands.checkDerivations(checked);

        assertEquals(3, problems.size(), problems.toString());
        assertEquals(malformed + ": at byte 7: the derivation has no outputs", problems.get(0));
        assertTrue(problems.get(1).startsWith(missing + ": cannot be read: java.nio.file.NoSuchFileException"), problems.get(1));
        assertEquals(misnamed + ": the derivation is at /gnu/store/00000000000000000000000000000000-simple.drv but its text belongs at "
                + "/gnu/store/m1vqkmq29w02xq293xnz83pvw6zjwfpq-simple.drv", problems.get(2));
    }

    @Test
    void reportsInputDerivationsThatCannotBeFound() throws Exception {
        Path alone = Files.write(temporary.resolve("nka5hdpc7d4mhbjal524912aild6hdyj-with-inputs.drv"),
                resource("nka5hdpc7d4mhbjal524912aild6hdyj-with-inputs.drv"));

        List<String> problems = StoreCommands.checkDerivations(List.of(alone));

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith(alone + ": an input derivation cannot be read: java.nio.file.NoSuchFileException: "), problems.get(0));
    }

    @Test
    void dumpsAndHashesAFileTree() throws IOException {
        Path file = Files.writeString(temporary.resolve("file"), "abc");
        ByteArrayOutputStream nar = new ByteArrayOutputStream();

        StoreCommands.dump(file, nar);

        assertEquals(120, nar.size());
        // nix-hash --type sha256 --base32 of a regular file holding "abc".
        assertEquals("sha256:0c2jffsl15masdjkw0akr32jl4daplrwaq81lapg84nqai3ip9qi", StoreCommands.hash(file));
    }

    @Test
    void generatesAKeyPairAsNixDoes() throws Exception {
        StoreCommands.KeyFiles files = StoreCommands.generateKey("cache.example.org-1", temporary);

        assertEquals(temporary.resolve("cache.example.org-1.secret"), files.secretKeyFile());
        assertEquals(temporary.resolve("cache.example.org-1.public"), files.publicKeyFile());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.secretKeyFile())));
        NixSecretKey secretKey = NixSecretKey.parse(Files.readString(files.secretKeyFile()));
        NixPublicKey publicKey = NixPublicKey.parse(Files.readString(files.publicKeyFile()));
        assertEquals(publicKey, secretKey.publicKey());
        assertEquals(publicKey, files.publicKey());
        assertTrue(publicKey.verify("fingerprint", secretKey.sign("fingerprint")));
        assertThrows(FileAlreadyExistsException.class, () -> StoreCommands.generateKey("cache.example.org-1", temporary));
        assertThrows(IllegalArgumentException.class, () -> StoreCommands.generateKey("../escape", temporary));
    }

    private static List<Path> copyGolden(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : GOLDEN) {
            files.add(Files.write(directory.resolve(name), resource(name)));
        }
        return files;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = StoreCommandsTest.class.getResourceAsStream("/dev/kiln/store/derivation/golden/" + name)) {
            assertTrue(in != null, "test resource " + name);
            return in.readAllBytes();
        }
    }
}
