package dev.kiln.hooks.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/** The farm as hooks see it: the coordinator's services, with the tags hooks gave to builds. */
final class CoordinatorFarm implements Farm {

    private final BuildService builds;
    private final DerivationService derivations;
    private final BuildTags tags;

    CoordinatorFarm(BuildService builds, DerivationService derivations, BuildTags tags) {
        this.builds = builds;
        this.derivations = derivations;
        this.tags = tags;
    }

    @Override
    public Build build(UUID buildId) {
        return tags.merge(builds.get(buildId));
    }

    @Override
    public BuildPage builds(BuildQuery query) {
        BuildPage page = builds.list(query);
        return new BuildPage(page.builds().stream().map(tags::merge).toList(), page.nextCursor());
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
        return tags.merge(builds.retry(buildId));
    }

    @Override
    public Build changePriority(UUID buildId, int priority) {
        return tags.merge(builds.changePriority(buildId, priority));
    }

    @Override
    public Build tag(UUID buildId, Tag tag) {
        Build build = builds.get(buildId);
        try {
            tags.add(buildId, tag);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record tag " + tag + " of build " + buildId, e);
        }
        return tags.merge(build);
    }
}
