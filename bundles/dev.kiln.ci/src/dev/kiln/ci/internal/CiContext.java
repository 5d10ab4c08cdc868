package dev.kiln.ci.internal;

import dev.kiln.api.BuildService;
import dev.kiln.api.DerivationService;

/** What every jobset monitor shares: the coordinator's services, the limited actors, the store, the statuses. */
record CiContext(BuildService builds, DerivationService derivations, LimitedWorker channelUpdater,
        LimitedWorker evaluator, Checkouts checkouts, JobsetStore store, EvaluationBudget evaluationBudget,
        StatusReporter statuses) {
}
