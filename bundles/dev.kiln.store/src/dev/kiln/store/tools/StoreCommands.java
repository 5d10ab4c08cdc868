package dev.kiln.store.tools;

import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.derivation.DerivationHasher;
import dev.kiln.store.derivation.DerivationOutput;
import dev.kiln.store.internal.DerivationFiles;
import dev.kiln.store.internal.JsonWriter;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.store.narinfo.NixPublicKey;
import dev.kiln.store.narinfo.NixSecretKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * What the {@code kiln store} commands do, for a command line to call:
 * each method is one command, with its result returned or written, and
 * nothing printed. The methods are stateless and thread-safe.
 */
public final class StoreCommands {

    private StoreCommands() {
    }

    /**
     * {@code kiln store dump PATH}: writes the NAR of a file tree, as
     * {@code nix-store --dump} does.
     *
     * @param path the file, link or directory
     * @param out  where the NAR goes (flushed, not closed)
     * @throws IOException if the tree cannot be archived
     */
    public static void dump(Path path, OutputStream out) throws IOException {
        NarWriter.write(path, out);
    }

    /**
     * {@code kiln store hash PATH}: the SHA-256 of the NAR of a file tree.
     *
     * @param path the file, link or directory
     * @return {@code sha256:<nix-base32>}; the part after the colon is what
     *         {@code nix-hash --type sha256 --base32 PATH} prints
     * @throws IOException if the tree cannot be archived
     */
    public static String hash(Path path) throws IOException {
        return NarWriter.digest(path).narHash().toPrefixedBase32();
    }

    /**
     * {@code kiln store show-derivation FILE.drv...}: the JSON that
     * {@code nix show-derivation} (Nix 2.8) prints, formatted the same way.
     * Each derivation is keyed by its store path: the one its file name
     * says, or for a file not named like a store path, the one its text
     * implies.
     *
     * @param drvFiles the {@code .drv} files
     * @return the JSON text, ending with a line break
     * @throws IOException               if a file cannot be read
     * @throws DerivationFormatException if a file is not a derivation (the
     *                                   message starts with the file)
     */
    public static String showDerivation(List<Path> drvFiles) throws IOException, DerivationFormatException {
        JsonWriter json = new JsonWriter();
        json.beginObject();
        for (Path file : drvFiles) {
            DerivationFiles.Loaded loaded = load(file);
            json.name(loaded.storePath().toString());
            writeDerivation(json, loaded.derivation());
        }
        json.endObject();
        return json + "\n";
    }

    /** The value {@code nix show-derivation} shows for one derivation, without the path it is keyed by. */
    public static String showDerivation(Derivation derivation) {
        JsonWriter json = new JsonWriter();
        writeDerivation(json, derivation);
        return json.toString();
    }

    private static DerivationFiles.Loaded load(Path file) throws IOException, DerivationFormatException {
        try {
            return DerivationFiles.load(file);
        } catch (DerivationFormatException e) {
            throw new DerivationFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static void writeDerivation(JsonWriter json, Derivation derivation) {
        json.beginObject();
        json.name("outputs");
        json.beginObject();
        for (Map.Entry<String, DerivationOutput> entry : derivation.outputs().entrySet()) {
            DerivationOutput output = entry.getValue();
            json.name(entry.getKey());
            json.beginObject();
            output.path().ifPresent(path -> json.member("path", path.toString()));
            if (!output.methodAndAlgorithm().isEmpty()) {
                json.member("hashAlgo", output.methodAndAlgorithm());
            }
            if (!output.base16Hash().isEmpty()) {
                json.member("hash", output.base16Hash());
            }
            json.endObject();
        }
        json.endObject();
        json.name("inputSrcs");
        json.beginArray();
        derivation.inputSrcs().forEach(source -> json.element(source.toString()));
        json.endArray();
        json.name("inputDrvs");
        json.beginObject();
        for (Map.Entry<StorePath, SortedSet<String>> input : derivation.inputDrvs().entrySet()) {
            json.name(input.getKey().toString());
            json.beginArray();
            input.getValue().forEach(json::element);
            json.endArray();
        }
        json.endObject();
        json.member("system", derivation.system());
        json.member("builder", derivation.builder());
        json.name("args");
        json.beginArray();
        derivation.args().forEach(json::element);
        json.endArray();
        json.name("env");
        json.beginObject();
        derivation.env().forEach(json::member);
        json.endObject();
        json.endObject();
    }

    /**
     * {@code kiln store check-derivation FILE.drv...}: checks that each
     * derivation is well-formed and consistent: its output paths, the
     * environment variables of its outputs and (for a file named like a
     * store path) its own path are the ones its text implies. Input
     * derivations are read from the directory of the file that needs them,
     * else from their store path.
     *
     * @param drvFiles the {@code .drv} files
     * @return one line {@code <file>: <problems>} for each bad file; empty
     *         when all are consistent (the command then exits with 0)
     */
    public static List<String> checkDerivations(List<Path> drvFiles) {
        List<String> problems = new ArrayList<>();
        for (Path file : drvFiles) {
            try {
                DerivationFiles.Loaded loaded = DerivationFiles.load(file);
                DerivationHasher hasher = new DerivationHasher(DerivationFiles.resolverBeside(file));
                List<String> fileProblems = hasher.problems(loaded.derivation(), loaded.drvPath());
                if (!fileProblems.isEmpty()) {
                    problems.add(file + ": " + String.join("; ", fileProblems));
                }
            } catch (IOException e) {
                problems.add(file + ": cannot be read: " + e);
            } catch (DerivationFormatException e) {
                problems.add(file + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * The files written by {@link #generateKey(String, Path)}.
     *
     * @param secretKeyFile the secret key, readable by its owner only
     * @param publicKeyFile the public key
     * @param publicKey     the public key, for {@code trusted-public-keys}
     */
    public record KeyFiles(Path secretKeyFile, Path publicKeyFile, NixPublicKey publicKey) {
    }

    /**
     * {@code kiln store generate-key NAME}: generates an ed25519 signing key
     * in Nix's format, as {@code nix-store --generate-binary-cache-key} does,
     * and writes {@code <name>.secret} (mode 0600) and {@code <name>.public}
     * into a directory, without a trailing line break, as Nix writes them.
     *
     * @param name      the key's name, such as {@code cache.example.org-1}
     * @param directory where to write the files; it must exist
     * @return the files and the public key
     * @throws IOException              if a file exists already or cannot be written
     * @throws IllegalArgumentException if the name is not a valid key and file name
     */
    public static KeyFiles generateKey(String name, Path directory) throws IOException {
        if (name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("key name '" + name + "' cannot name a file");
        }
        NixSecretKey secretKey = NixSecretKey.generate(name);
        Path secretKeyFile = directory.resolve(name + ".secret");
        Path publicKeyFile = directory.resolve(name + ".public");
        Files.createFile(secretKeyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secretKeyFile, secretKey.toString(), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(publicKeyFile, secretKey.publicKey().toString(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        return new KeyFiles(secretKeyFile, publicKeyFile, secretKey.publicKey());
    }
}
