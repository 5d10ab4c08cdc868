package dev.kiln.transport.jetty.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client API tokens, kept as SHA-256 hashes in {@code <state-dir>/tokens}, one a line. At first start a first token is
 * written to {@code <state-dir>/client-token} (mode 600) for the operator; the file may be deleted once copied.
 * Tokens are 32 random bytes, so a plain hash is as strong as a slow one. Thread-safe.
 */
final class ClientTokens {

    static final String FIRST_TOKEN_FILE = "client-token";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Set<String> hashes = ConcurrentHashMap.newKeySet();
    private final String local = newToken();
    private final String localHash = hash(local);

    ClientTokens(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        this.file = stateDir.resolve("tokens");
        if (Files.exists(file)) {
            Files.readAllLines(file, StandardCharsets.US_ASCII).stream().map(String::strip)
                    .filter(line -> line.length() == 64).forEach(hashes::add);
        } else {
            String first = create();
            Path firstFile = stateDir.resolve(FIRST_TOKEN_FILE);
            Files.deleteIfExists(firstFile);
            Files.createFile(firstFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(firstFile, first + "\n", StandardCharsets.US_ASCII);
        }
    }

    /** Makes a new token, stores its hash and returns it; it is not kept anywhere in clear. */
    synchronized String create() throws IOException {
        String token = newToken();
        String hash = hash(token);
        Files.writeString(file, hash + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        hashes.add(hash);
        return token;
    }

    /**
     * The token of this run of the coordinator, left for its own user's commands ({@link LocalTokenFile}); it is kept
     * nowhere else and is no longer valid once the coordinator stops.
     */
    String local() {
        return local;
    }

    boolean isValid(String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        String hash = hash(token);
        return hash.equals(localHash) || hashes.contains(hash);
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "kiln_" + HexFormat.of().formatHex(bytes);
    }

    private static String hash(String token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
