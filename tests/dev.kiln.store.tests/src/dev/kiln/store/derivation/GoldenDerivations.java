package dev.kiln.store.derivation;

import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * Derivations written by {@code nix-instantiate} (Nix 2.8) into a
 * {@code /gnu/store} store, kept as test resources, with what
 * {@code nix show-derivation} printed for them.
 */
final class GoldenDerivations {

    static final List<String> BASE_NAMES = List.of(
            "1brn1rw141nr6k1ac3z6qhcmkyh9zvhl-recursive-sha1.drv",
            "59fsdyyqpmmzabdkr865sxyb50jh3y8l-flat-sha512.drv",
            "fb9c3ga18z9g6024ncqw513fz30b42jk-flat-sha256.drv",
            "fkbx9y6w6ywywvq83qqjahvqfp4m06aa-recursive-sha256.drv",
            "if7dfi1r3l6ljp8kjfj9hv884ssavxhr-on-fixed.drv",
            "m1vqkmq29w02xq293xnz83pvw6zjwfpq-simple.drv",
            "nka5hdpc7d4mhbjal524912aild6hdyj-with-inputs.drv",
            "slh9w8qky0s7r7x6qa6s2i5v5v1azkp4-flat-md5.drv",
            "vghfq62lppbvhjcigrr8sknyd4skkck6-multi.drv");

    private GoldenDerivations() {
    }

    static StorePath path(String baseName) {
        return StoreDir.GUIX.parseBaseName(baseName);
    }

    static StorePath pathEndingWith(String suffix) {
        return path(BASE_NAMES.stream().filter(name -> name.endsWith(suffix)).findFirst().orElseThrow());
    }

    static byte[] text(StorePath drvPath) {
        return resource(drvPath.baseName());
    }

    static Derivation parse(StorePath drvPath) {
        try {
            return Derivation.parse(drvPath, text(drvPath));
        } catch (DerivationFormatException e) {
            throw new AssertionError("a golden derivation does not parse", e);
        }
    }

    static String showDerivationJson() {
        return new String(resource("show-derivation.json"), StandardCharsets.UTF_8);
    }

    /** Resolves input derivations among the golden ones, as a store would. */
    static DerivationResolver resolver() {
        return drvPath -> {
            if (!BASE_NAMES.contains(drvPath.baseName())) {
                throw new NoSuchFileException(drvPath.toString());
            }
            return parse(drvPath);
        };
    }

    private static byte[] resource(String name) {
        try (InputStream in = GoldenDerivations.class.getResourceAsStream("golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource golden/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
