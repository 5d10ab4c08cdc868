package dev.kiln.store.internal;

import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.derivation.DerivationResolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads {@code .drv} files that may lie outside their store directory (a
 * copy, or a store under a chroot such as {@code local?root=DIR}): the store
 * directory is taken from the store paths in the text, and the name from the
 * file name when it is a store path base name.
 */
public final class DerivationFiles {

    private DerivationFiles() {
    }

    /**
     * A derivation read from a file.
     *
     * @param file       the file
     * @param derivation its derivation
     * @param drvPath    the store path the file name says it is, if the name is a store path base name
     */
    public record Loaded(Path file, Derivation derivation, Optional<StorePath> drvPath) {

        /** @return the store path of the file: the one its name says, else the one its text implies */
        public StorePath storePath() {
            return drvPath.orElseGet(derivation::drvPath);
        }
    }

    /**
     * Reads and parses a {@code .drv} file.
     *
     * @param file the file
     * @return the derivation with what its file name says
     * @throws IOException               if the file cannot be read
     * @throws DerivationFormatException if its text is not a derivation
     */
    public static Loaded load(Path file) throws IOException, DerivationFormatException {
        byte[] text = Files.readAllBytes(file);
        StoreDir storeDir = guessStoreDir(text);
        String fileName = file.getFileName().toString();
        Optional<StorePath> drvPath = Optional.empty();
        try {
            StorePath path = storeDir.parseBaseName(fileName);
            if (path.isDerivation()) {
                drvPath = Optional.of(path);
            }
        } catch (IllegalArgumentException e) {
            // Not named like a store path: a copy; its name comes from its text.
        }
        if (drvPath.isPresent()) {
            return new Loaded(file, Derivation.parse(drvPath.get(), text), drvPath);
        }
        // A copy: the name that made the output paths is the environment's "name", as derivation() sets it.
        String fallbackName = fileName.endsWith(".drv") ? fileName.substring(0, fileName.length() - ".drv".length()) : fileName;
        Derivation parsed = Derivation.parse(storeDir, validNameOr(fallbackName, "derivation"), text);
        String name = parsed.env().getOrDefault("name", parsed.name());
        if (!name.equals(parsed.name())) {
            try {
                parsed = new Derivation(storeDir, name, parsed.outputs(), parsed.inputDrvs(), parsed.inputSrcs(), parsed.system(),
                        parsed.builder(), parsed.args(), parsed.env());
            } catch (IllegalArgumentException e) {
                throw new DerivationFormatException("the environment's name '" + name + "' is not a valid derivation name", e);
            }
        }
        return new Loaded(file, parsed, Optional.empty());
    }

    private static String validNameOr(String name, String fallback) {
        try {
            StorePath.checkName(name + ".drv");
            return name;
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    /**
     * Finds input derivations next to a file first (so that a copied closure
     * or a chroot store works), then at their own path.
     *
     * @param file a {@code .drv} file whose inputs will be resolved
     * @return the resolver
     */
    public static DerivationResolver resolverBeside(Path file) {
        Path directory = file.toAbsolutePath().getParent();
        return drvPath -> {
            Path beside = directory.resolve(drvPath.baseName());
            Path source = Files.exists(beside) ? beside : Path.of(drvPath.toString());
            return Derivation.parse(drvPath, Files.readAllBytes(source));
        };
    }

    /**
     * Guesses the store directory from the first absolute path in the text,
     * which is an output path or an input path in any derivation that has
     * one. A derivation without store paths falls back to {@code /nix/store}.
     */
    static StoreDir guessStoreDir(byte[] text) {
        for (int i = 0; i + 1 < text.length; i++) {
            if (text[i] == '"' && text[i + 1] == '/') {
                int end = i + 1;
                while (end < text.length && text[end] != '"') {
                    end++;
                }
                String path = new String(text, i + 1, end - i - 1, StandardCharsets.UTF_8);
                int slash = path.lastIndexOf('/');
                try {
                    StoreDir storeDir = new StoreDir(path.substring(0, slash));
                    storeDir.parsePath(path);
                    return storeDir;
                } catch (IllegalArgumentException e) {
                    return StoreDir.NIX;
                }
            }
        }
        return StoreDir.NIX;
    }
}
