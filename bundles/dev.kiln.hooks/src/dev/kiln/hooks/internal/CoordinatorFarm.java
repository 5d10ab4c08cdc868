package dev.kiln.hooks.internal;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.kiln.api.Build;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildService;
import dev.kiln.api.DerivationService;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.SubmitResult;
import dev.kiln.api.Tag;
import dev.kiln.hooks.api.Farm;

/** The farm as hooks see it: the coordinator's services. */
final class CoordinatorFarm implements Farm {

    private final BuildService builds;
    private final DerivationService derivations;

    CoordinatorFarm(BuildService builds, DerivationService derivations) {
        this.builds = builds;
        this.derivations = derivations;
    }

    @Override
    public Build build(UUID buildId) {
        return builds.get(buildId);
    }

    @Override
    public BuildPage builds(BuildQuery query) {
        return builds.list(query);
    }

    @Override
    public DerivationSummary derivation(String derivationPath) {
        return derivations.get(derivationPath);
    }

    @Override
    public Set<String> knownDerivations(Collection<String> derivationPaths) {
        return derivations.known(derivationPaths);
    }

    @Override
    public Set<String> heldOutputs(Collection<String> storePaths) {
        return derivations.heldOutputs(storePaths);
    }

    @Override
    public List<SubmitResult> submit(SubmitRequest request) {
        return builds.submit(request);
    }

    @Override
    public Build retry(UUID buildId) {
        return builds.retry(buildId);
    }

    @Override
    public Build changePriority(UUID buildId, int priority) {
        return builds.changePriority(buildId, priority);
    }

    @Override
    public Build tag(UUID buildId, Tag tag) {
        return builds.tag(buildId, Set.of(tag), Set.of());
    }
}
