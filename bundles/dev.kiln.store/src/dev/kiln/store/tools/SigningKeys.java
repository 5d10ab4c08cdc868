package dev.kiln.store.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.kiln.store.narinfo.NarInfoFormatException;
import dev.kiln.store.narinfo.NixSecretKey;

/**
 * A binary cache's signing keys in one directory: {@code signing.secret} and {@code signing.public}, the key it signs
 * with, and {@code previous/<name>.secret}, keys it signed with before a rotation and still signs with, so that Nix
 * machines that trust only an old key keep substituting until they trust the new one. Deleting a previous key's file
 * stops its signatures.
 */
public final class SigningKeys {

    private static final Pattern NUMBERED = Pattern.compile("(.*)-(\\d{1,9})");

    private SigningKeys() {
    }

    /** The current key, made with this name if there is none yet. */
    public static NixSecretKey loadOrCreate(Path keysDir, String name) throws IOException {
        Files.createDirectories(keysDir);
        Path secretFile = keysDir.resolve("signing.secret");
        if (!Files.exists(secretFile)) {
            NixSecretKey created = NixSecretKey.generate(name);
            writeSecret(keysDir.resolve("signing.secret.new"), secretFile, created, false);
            Files.writeString(keysDir.resolve("signing.public"), created.publicKey().toString(),
                    StandardCharsets.US_ASCII);
        }
        return read(secretFile);
    }

    /** The current key, if there is one. */
    public static NixSecretKey current(Path keysDir) throws IOException {
        Path secretFile = keysDir.resolve("signing.secret");
        return Files.exists(secretFile) ? read(secretFile) : null;
    }

    /** The keys signed with before, by file name. */
    public static List<NixSecretKey> previous(Path keysDir) throws IOException {
        Path previous = keysDir.resolve("previous");
        if (!Files.isDirectory(previous)) {
            return List.of();
        }
        List<NixSecretKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(previous)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".secret")).sorted().toList()) {
                keys.add(read(file));
            }
        }
        return keys;
    }

    /**
     * Makes a new current key and keeps the one before under {@code previous/}.
     *
     * @param newName the new key's name, or null for the current one's with its number raised ({@code host-1} becomes
     *                {@code host-2})
     * @return the new key
     * @throws IOException if there is no current key, or a key of the new name was used already
     */
    public static NixSecretKey rotate(Path keysDir, String newName) throws IOException {
        NixSecretKey old = current(keysDir);
        if (old == null) {
            throw new IOException("no signing key in " + keysDir + " to rotate: a coordinator makes one at its first start");
        }
        String name = newName == null ? successor(old.name()) : newName;
        if (name.equals(old.name()) || Files.exists(keysDir.resolve("previous").resolve(name + ".secret"))) {
            throw new IOException("the key name " + name + " was used before: choose another with --key-name");
        }
        NixSecretKey created = NixSecretKey.generate(name);
        Path previous = Files.createDirectories(keysDir.resolve("previous"));
        writeSecret(previous.resolve(old.name() + ".secret.new"), previous.resolve(old.name() + ".secret"), old, true);
        writeSecret(keysDir.resolve("signing.secret.new"), keysDir.resolve("signing.secret"), created, true);
        Files.writeString(keysDir.resolve("signing.public"), created.publicKey().toString(), StandardCharsets.US_ASCII);
        return created;
    }

    /** {@code host-1} → {@code host-2}; a name without a number gets {@code -2}. */
    static String successor(String name) {
        Matcher numbered = NUMBERED.matcher(name);
        return numbered.matches() ? numbered.group(1) + "-" + (Long.parseLong(numbered.group(2)) + 1) : name + "-2";
    }

    /**
     * Writes a secret key readable by its owner alone, aside and then moved, so that no crash leaves half a key.
     * Without {@code replace}, a key that appeared meanwhile is kept.
     */
    private static void writeSecret(Path aside, Path file, NixSecretKey key, boolean replace) throws IOException {
        Files.deleteIfExists(aside);
        Files.createFile(aside, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(aside, key.toString(), StandardCharsets.US_ASCII);
        try {
            if (replace) {
                Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (FileAlreadyExistsException e) {
            Files.delete(aside);
        }
    }

    private static NixSecretKey read(Path secretFile) throws IOException {
        try {
            return NixSecretKey.parse(Files.readString(secretFile, StandardCharsets.US_ASCII).strip());
        } catch (NarInfoFormatException e) {
            throw new IOException("the signing key " + secretFile + " is not a Nix secret key: " + e.getMessage(), e);
        }
    }
}
