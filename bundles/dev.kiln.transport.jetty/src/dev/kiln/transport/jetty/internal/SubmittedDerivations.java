package dev.kiln.transport.jetty.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NotFoundException;
import dev.kiln.protocol.DerivationText;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.derivation.DerivationHasher;

/**
 * Parses the derivation texts of a submit and checks that each one's path and output paths are the ones its text
 * implies: a tampered derivation is refused. Input derivations are looked up among the submitted ones, then among
 * the coordinator's.
 */
final class SubmittedDerivations {

    private SubmittedDerivations() {
    }

    static List<DerivationSummary> check(List<DerivationText> texts, DerivationService known) {
        Map<StorePath, Derivation> submitted = new HashMap<>();
        for (DerivationText text : texts) {
            if (text == null || text.path() == null || text.text() == null) {
                throw new InvalidRequestException("a derivation needs a path and a text");
            }
            StorePath path = storePath(text.path());
            try {
                submitted.put(path, Derivation.parse(path, text.text().getBytes(StandardCharsets.UTF_8)));
            } catch (DerivationFormatException | IllegalArgumentException e) {
                throw new InvalidRequestException(text.path() + " is not a derivation: " + e.getMessage());
            }
        }
        DerivationHasher hasher = new DerivationHasher(drvPath -> {
            Derivation derivation = submitted.get(drvPath);
            if (derivation != null) {
                return derivation;
            }
            try {
                DerivationSummary stored = known.get(drvPath.toString());
                return Derivation.parse(drvPath, stored.aterm().getBytes(StandardCharsets.UTF_8));
            } catch (NotFoundException e) {
                throw new NoSuchFileException(drvPath.toString(), null, "neither submitted nor known");
            }
        });
        List<DerivationSummary> summaries = new ArrayList<>();
        for (DerivationText text : texts) {
            StorePath path = storePath(text.path());
            Derivation derivation = submitted.get(path);
            List<String> problems = hasher.problems(derivation, Optional.of(path));
            if (!problems.isEmpty()) {
                throw new InvalidRequestException(text.path() + ": " + String.join("; ", problems));
            }
            summaries.add(DerivationSummary.of(derivation, text.text()));
        }
        return summaries;
    }

    static StorePath storePath(String path) {
        int slash = path == null ? -1 : path.lastIndexOf('/');
        if (slash <= 0 || !path.endsWith(".drv")) {
            throw new InvalidRequestException("not a derivation path: " + path);
        }
        try {
            return new StoreDir(path.substring(0, slash)).parsePath(path);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("not a derivation path: " + path + " (" + e.getMessage() + ")");
        }
    }
}
