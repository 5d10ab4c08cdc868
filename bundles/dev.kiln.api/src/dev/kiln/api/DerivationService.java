package dev.kiln.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/** Derivations the coordinator knows and the outputs it holds. */
@ProviderType
public interface DerivationService {

    /** @throws NotFoundException when the derivation is unknown */
    DerivationSummary get(String derivationPath);

    /** Which of these derivations are known. */
    Set<String> known(Collection<String> derivationPaths);

    /** Which of these store paths the coordinator holds (outputs of succeeded builds). */
    Set<String> heldOutputs(Collection<String> storePaths);

    /** A held store path with its NAR metadata. */
    Optional<StoredOutput> storedOutput(String storePath);

    /** A held store path found by its hash part (the 32 characters after the store directory), for narinfo. */
    Optional<StoredOutput> storedOutputByHashPart(String hashPart);

    /**
     * Up to {@code limit} held store paths after {@code afterPath} (empty for the first), in the order of their paths:
     * a page of all of them, for checking the cache.
     */
    List<StoredOutput> storedOutputs(String afterPath, int limit);
}
