package dev.kiln.coordinator.internal;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.StoredOutput;
import dev.kiln.api.datastore.Datastore;

/** Derivations and held outputs, read from the datastore. */
@Component(service = DerivationService.class, configurationPid = CoordinatorConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class DerivationCatalog implements DerivationService {

    private final Datastore datastore;

    @Activate
    public DerivationCatalog(@Reference(name = "datastore") Datastore datastore) {
        this.datastore = datastore;
    }

    @Override
    public DerivationSummary get(String derivationPath) {
        return datastore.read(reader -> reader.derivation(derivationPath))
                .orElseThrow(() -> new NotFoundException("derivation", derivationPath));
    }

    @Override
    public Set<String> known(Collection<String> derivationPaths) {
        return datastore.read(reader -> reader.knownDerivations(derivationPaths));
    }

    @Override
    public Set<String> heldOutputs(Collection<String> storePaths) {
        return datastore.read(reader -> reader.heldPaths(storePaths));
    }

    @Override
    public Optional<StoredOutput> storedOutput(String storePath) {
        return datastore.read(reader -> reader.storedOutput(storePath));
    }

    @Override
    public Optional<StoredOutput> storedOutputByHashPart(String hashPart) {
        return datastore.read(reader -> reader.storedOutputByHashPart(hashPart));
    }

    @Override
    public List<StoredOutput> storedOutputs(String afterPath, int limit) {
        return datastore.read(reader -> reader.storedOutputs(afterPath, limit));
    }
}
