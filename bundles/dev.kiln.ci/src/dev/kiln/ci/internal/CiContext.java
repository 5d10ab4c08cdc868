package dev.kiln.ci.internal;

import java.time.Duration;

import dev.kiln.api.BuildService;
import dev.kiln.api.DerivationService;

/** What every jobset monitor shares: the coordinator's services, the two limited actors, the store. */
record CiContext(BuildService builds, DerivationService derivations, LimitedWorker channelUpdater,
        LimitedWorker evaluator, Checkouts checkouts, JobsetStore store, Duration evaluationTimeout) {
}
