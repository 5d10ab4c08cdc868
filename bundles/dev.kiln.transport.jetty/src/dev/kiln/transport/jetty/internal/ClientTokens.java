package dev.kiln.transport.jetty.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NotFoundException;
import dev.kiln.protocol.TokenInfo;

/**
 * Client API tokens, kept as SHA-256 hashes in {@code <state-dir>/tokens} with an id, a creation time and a label, one
 * a line after a header ({@link #HEADER}). A file of bare hashes, one a line, as coordinators wrote before labels, is
 * rewritten once in this form at start, each token kept valid, its creation time unknown. At first start a first
 * token is written to {@code <state-dir>/client-token} (mode 600) for the operator; the file may be deleted once
 * copied. Tokens are 32 random bytes, so a plain hash is as strong as a slow one. Thread-safe: reads see an immutable
 * map, changes are serialized and written to the file before they take effect.
 */
final class ClientTokens {

    static final String FIRST_TOKEN_FILE = "client-token";
    static final String HEADER = "# kiln client tokens 2: id created label sha256";

    private static final Logger LOG = LoggerFactory.getLogger(ClientTokens.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._@:+-]{1,64}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final String NONE = "-";

    /** A stored token: never its value, only its hash. */
    record Token(String id, Optional<Instant> created, Optional<String> label, String hash) {

        TokenInfo info() {
            return new TokenInfo(id, label.orElse(null), created.orElse(null));
        }

        String line() {
            return id + " " + created.map(Instant::toString).orElse(NONE) + " " + label.orElse(NONE) + " " + hash;
        }
    }

    /** A token just made, and its value, shown once. */
    record Created(Token token, String value) {
    }

    private final Path file;
    private final Clock clock;
    private final String local = newValue();
    private final String localHash = hash(local);
    /** By hash, in the order they were made; replaced whole on each change. */
    private volatile Map<String, Token> byHash;

    ClientTokens(Path stateDir, Clock clock) throws IOException {
        Files.createDirectories(stateDir);
        this.file = stateDir.resolve("tokens");
        this.clock = clock;
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            if (!lines.isEmpty() && lines.get(0).equals(HEADER)) {
                byHash = parse(lines.subList(1, lines.size()));
            } else {
                byHash = migrate(lines);
            }
        } else {
            byHash = Map.of();
            String first = create(Optional.of("first")).value();
            Path firstFile = stateDir.resolve(FIRST_TOKEN_FILE);
            Files.deleteIfExists(firstFile);
            Files.createFile(firstFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(firstFile, first + "\n", StandardCharsets.US_ASCII);
        }
    }

    private Map<String, Token> parse(List<String> lines) throws IOException {
        Map<String, Token> tokens = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.strip().split(" ");
            if (fields.length != 4 || !HASH.matcher(fields[3]).matches()) {
                throw new IOException(file + ": not a token line: " + line);
            }
            tokens.put(fields[3], new Token(fields[0],
                    fields[1].equals(NONE) ? Optional.empty() : Optional.of(Instant.parse(fields[1])),
                    fields[2].equals(NONE) ? Optional.empty() : Optional.of(fields[2]), fields[3]));
        }
        return Collections.unmodifiableMap(tokens);
    }

    /** Gives the bare hashes of an older coordinator an id each, writes the file in the new form, keeps them valid. */
    private Map<String, Token> migrate(List<String> lines) throws IOException {
        Map<String, Token> tokens = new LinkedHashMap<>();
        for (String line : lines) {
            String hash = line.strip();
            if (HASH.matcher(hash).matches()) {
                tokens.put(hash, new Token(newId(tokens), Optional.empty(), Optional.empty(), hash));
            }
        }
        write(tokens.values());
        LOG.info("Gave the {} client tokens of {} an id each: kiln token list shows them", tokens.size(), file);
        return Collections.unmodifiableMap(tokens);
    }

    /** Makes a new token, stores its hash and returns it; its value is not kept anywhere. */
    synchronized Created create(Optional<String> label) throws IOException {
        label.ifPresent(text -> {
            if (!LABEL.matcher(text).matches()) {
                throw new InvalidRequestException("a token label is 1 to 64 letters, digits or ._@:+- : '" + text + "'");
            }
        });
        String value = newValue();
        Token token = new Token(newId(byHash), Optional.of(clock.instant().truncatedTo(ChronoUnit.SECONDS)), label,
                hash(value));
        if (Files.exists(file)) {
            Files.writeString(file, token.line() + "\n", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        } else {
            write(List.of(token));
        }
        Map<String, Token> tokens = new LinkedHashMap<>(byHash);
        tokens.put(token.hash(), token);
        byHash = Collections.unmodifiableMap(tokens);
        return new Created(token, value);
    }

    /** The stored tokens, oldest first: in the order they were made, those of older coordinators first. */
    List<Token> list() {
        return List.copyOf(byHash.values());
    }

    /**
     * Revokes the token with this id, or the only one with this label; it is refused from the next request on.
     *
     * @throws NotFoundException when no token has this id or label
     * @throws InvalidRequestException when the label names more than one token
     */
    synchronized Token revoke(String idOrLabel) throws IOException {
        List<Token> named = byHash.values().stream().filter(token -> token.id().equals(idOrLabel)).toList();
        if (named.isEmpty()) {
            named = byHash.values().stream().filter(token -> token.label().equals(Optional.of(idOrLabel))).toList();
        }
        if (named.isEmpty()) {
            throw new NotFoundException("client token", idOrLabel);
        }
        if (named.size() > 1) {
            throw new InvalidRequestException("the label " + idOrLabel + " names " + named.size()
                    + " tokens: revoke one by its id (kiln token list)");
        }
        Token revoked = named.get(0);
        Map<String, Token> tokens = new LinkedHashMap<>(byHash);
        tokens.remove(revoked.hash());
        write(tokens.values());
        byHash = Collections.unmodifiableMap(tokens);
        return revoked;
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
        return hash.equals(localHash) || byHash.containsKey(hash);
    }

    private void write(Collection<Token> tokens) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        tokens.forEach(token -> text.append(token.line()).append('\n'));
        Path written = Files.createTempFile(file.getParent(), ".tokens", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(written, text, StandardCharsets.US_ASCII);
        Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String newId(Map<String, Token> existing) {
        while (true) {
            byte[] bytes = new byte[4];
            RANDOM.nextBytes(bytes);
            String id = HexFormat.of().formatHex(bytes);
            if (existing.values().stream().noneMatch(token -> token.id().equals(id))) {
                return id;
            }
        }
    }

    private static String newValue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "kiln_" + HexFormat.of().formatHex(bytes);
    }

    /** The SHA-256 of a secret, in hex: what is kept of it. */
    static String hash(String token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
