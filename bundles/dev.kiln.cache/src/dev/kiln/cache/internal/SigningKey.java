package dev.kiln.cache.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import dev.kiln.store.narinfo.NarInfoFormatException;
import dev.kiln.store.narinfo.NixSecretKey;

/** The coordinator's ed25519 key in {@code <state-dir>/keys/}, made at first start. */
final class SigningKey {

    private SigningKey() {
    }

    static NixSecretKey loadOrCreate(Path keysDir, String name) throws IOException {
        Files.createDirectories(keysDir);
        Path secretFile = keysDir.resolve("signing.secret");
        if (!Files.exists(secretFile)) {
            NixSecretKey created = NixSecretKey.generate(name);
            // Written aside and moved, so a crash never leaves a half-written key behind.
            Path fresh = keysDir.resolve("signing.secret.new");
            Files.deleteIfExists(fresh);
            Files.createFile(fresh, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(fresh, created.toString(), StandardCharsets.US_ASCII);
            try {
                Files.move(fresh, secretFile, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.delete(fresh);
            }
            Files.writeString(keysDir.resolve("signing.public"), created.publicKey().toString(), StandardCharsets.US_ASCII);
        }
        try {
            return NixSecretKey.parse(Files.readString(secretFile, StandardCharsets.US_ASCII).strip());
        } catch (NarInfoFormatException e) {
            throw new IOException("the signing key " + secretFile + " is not a Nix secret key: " + e.getMessage(), e);
        }
    }
}
