package dev.kiln.transport.jetty.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NotFoundException;
import dev.kiln.protocol.DerivationText;
import dev.kiln.store.Hash;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.derivation.DerivationHasher;

/**
 * Parses the derivation texts of a submit and checks that each one's path and output paths are the ones its text
 * implies: a tampered derivation is refused. Input derivations are looked up among the submitted ones, then among
 * the coordinator's.
 * <p>
 * A derivation's hash modulo covers its whole closure: without the hashes of derivations stored before, checking a
 * submission that needs them would read and hash their closures again each time (every earlier part of a graph
 * submitted in parts). The hashes of the most recently used stored derivations are kept, once their submission is
 * stored; a path names one text, checked before it was stored, so its hash never changes.
 */
final class SubmittedDerivations {

    /** How many hashes are kept: about 30 MB. */
    static final int REMEMBERED = 65_536;

    private final Map<StorePath, Map<String, Hash>> storedHashes = new LinkedHashMap<>(REMEMBERED / 4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<StorePath, Map<String, Hash>> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** The derivations of a submission, checked, and the hashes found checking them. */
    record Checked(List<DerivationSummary> derivations, DerivationHasher hasher) {
    }

    /** Keeps the hashes found checking a submission, once it is stored. */
    void stored(Checked checked) {
        synchronized (storedHashes) {
            storedHashes.putAll(checked.hasher().hashes());
        }
    }

    private Map<String, Hash> storedHash(StorePath drvPath) {
        synchronized (storedHashes) {
            return storedHashes.get(drvPath);
        }
    }

    Checked check(List<DerivationText> texts, DerivationService known) {
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
        }, this::storedHash);
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
        return new Checked(summaries, hasher);
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
