package dev.kiln.hooks.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.Build;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildState;
import dev.kiln.api.BuildSubmission;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.SubmitOptions;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.SubmitResult;
import dev.kiln.api.Tag;
import dev.kiln.hooks.api.Farm;
import dev.kiln.hooks.api.Hook;

/**
 * On {@code build-missing-inputs}: submits a build for each input derivation whose needed outputs include a missing
 * path, when the derivation is known and has no build scheduled, allocated or started. The new builds get the
 * priority of the build that waits for them. Handling an event twice submits nothing more.
 */
final class MissingInputsHook implements Hook {

    static final String NAME = "missing-inputs";
    static final String MISSING_INPUTS = "missing-inputs";
    static final Tag SUBMITTED_BY = new Tag("submitted-by", "missing-inputs-hook");
    private static final Logger LOG = LoggerFactory.getLogger(MissingInputsHook.class);
    private static final Set<BuildState> PENDING = Set.of(BuildState.SCHEDULED, BuildState.ALLOCATED,
            BuildState.STARTED);

    @Override
    public void handle(Event event, Farm farm) {
        String listed = event.data().getOrDefault(MISSING_INPUTS, "");
        Set<String> missing = new TreeSet<>(Arrays.asList(listed.trim().split("\\s+")));
        missing.remove("");
        if (event.buildId() == null || missing.isEmpty()) {
            return;
        }
        Build build = farm.build(event.buildId());
        DerivationSummary derivation = farm.derivation(build.derivationPath());
        Set<String> known = farm.knownDerivations(derivation.inputDerivations().keySet());
        List<BuildSubmission> submissions = new ArrayList<>();
        for (Map.Entry<String, Set<String>> input : derivation.inputDerivations().entrySet()) {
            if (known.contains(input.getKey()) && producesAny(farm.derivation(input.getKey()), input.getValue(),
                    missing) && !hasPendingBuild(farm, input.getKey())) {
                submissions.add(new BuildSubmission(input.getKey(),
                        SubmitOptions.DEFAULT.withPriority(build.priority()).withTags(Set.of(SUBMITTED_BY))));
            }
        }
        if (!submissions.isEmpty()) {
            List<SubmitResult> results = farm.submit(new SubmitRequest(List.of(), submissions));
            LOG.info("Build {} misses inputs; submitted {}", build.id(), results.stream()
                    .map(result -> result.derivationPath() + (result.buildId() == null
                            ? " (" + result.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")"
                            : " (build " + result.buildId() + ")"))
                    .collect(Collectors.joining(", ")));
        }
    }

    private static boolean producesAny(DerivationSummary input, Set<String> neededOutputs, Set<String> missing) {
        return input.outputs().entrySet().stream()
                .anyMatch(output -> neededOutputs.contains(output.getKey()) && missing.contains(output.getValue()));
    }

    private static boolean hasPendingBuild(Farm farm, String derivationPath) {
        return !farm.builds(BuildQuery.all(1).withDerivationPath(derivationPath).withStates(PENDING)).builds()
                .isEmpty();
    }
}
