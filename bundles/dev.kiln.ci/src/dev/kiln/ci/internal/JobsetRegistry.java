package dev.kiln.ci.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.BuildService;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationService;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.KilnException;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.EvaluationBuild;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.EvaluationSummary;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.JobsetService;
import dev.kiln.ci.WebhookOutcome;

/**
 * The registry from jobset names to their monitors, and the jobset service. It starts the channel updater and the
 * evaluator, one monitor per jobset, and the clock that tells each monitor when its period comes round.
 */
@Component(configurationPid = CiConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = CiConfiguration.class)
public final class JobsetRegistry implements JobsetService {

    private static final Logger LOG = LoggerFactory.getLogger(JobsetRegistry.class);

    private final CiContext context;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("jobset-clock").factory());
    private final Map<String, JobsetMonitor> monitors = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> ticks = new HashMap<>();
    private final Map<String, Jobset> jobsets = new HashMap<>();
    private final ForgeWebhooks webhooks;

    @Activate
    public JobsetRegistry(@Reference BuildService builds, @Reference DerivationService derivations,
            @Reference Datastore datastore, CiConfiguration configuration) throws IOException {
        CiOptions options = CiOptions.from(configuration);
        JsonFilesImport.run(datastore, options.ciDir());
        JobsetStore store = new JobsetStore(datastore, options.ciDir());
        context = new CiContext(builds, derivations,
                new LimitedWorker("channel-updater", options.maxConcurrentUpdates()),
                new LimitedWorker("evaluator", options.maxConcurrentEvaluations()),
                new Checkouts(options.ciDir().resolve("checkouts")), store, options.evaluationBudget(),
                new StatusReporter(new ForgeClient(options.forges(), Clock.systemUTC()), options.publicUrl(),
                        options.failedJobStatuses(), this::summary, this::failedJobs,
                        id -> store.reported(id, Instant.now())));
        context.channelUpdater().start();
        context.statuses().start();
        context.evaluator().start();
        List<Jobset> stored = store.jobsets();
        for (Evaluation interrupted : store.failInterrupted(stored.stream().map(Jobset::name).toList())) {
            LOG.warn("Evaluation {} of jobset {} was interrupted by a restart", interrupted.id(), interrupted.jobset());
        }
        for (Jobset jobset : stored) {
            startMonitor(jobset, lastCommits(store.evaluations(jobset.name())));
            if (context.statuses().reports(jobset) && jobset.pullRequest().closedAt() == null) {
                for (Evaluation unreported : store.unreported(jobset.name())) {
                    context.statuses().tell(new StatusReporter.Resume(jobset, unreported));
                }
            }
        }
        webhooks = new ForgeWebhooks(this, WebhookSecrets.fromFiles(options.webhookSecretFiles()),
                options.pullRequestRetention(), Clock.systemUTC(), this::closePullRequest);
        long sweepMillis = Math.clamp(options.pullRequestRetention().toMillis() / 4, 1_000, 600_000);
        clock.scheduleWithFixedDelay(this::removeClosedRequests, 0, sweepMillis, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    synchronized void stop() {
        clock.shutdownNow();
        monitors.values().forEach(JobsetMonitor::close);
        monitors.clear();
        context.evaluator().close();
        context.channelUpdater().close();
        context.statuses().close();
    }

    @Override
    public synchronized Jobset add(Jobset jobset) {
        if (jobsets.containsKey(jobset.name())) {
            throw new InvalidRequestException("there is a jobset " + jobset.name() + " already");
        }
        context.store().save(jobset);
        startMonitor(jobset, Map.of());
        return jobset;
    }

    @Override
    public synchronized Jobset update(Jobset jobset) {
        Jobset old = get(jobset.name());
        context.store().save(jobset);
        jobsets.put(jobset.name(), jobset);
        monitors.get(jobset.name()).tell(new JobsetMonitor.Redefine(jobset));
        if (!old.period().equals(jobset.period())) {
            schedule(jobset);
        }
        return jobset;
    }

    @Override
    public synchronized void remove(String name) {
        get(name);
        context.store().delete(name);
        Optional.ofNullable(ticks.remove(name)).ifPresent(tick -> tick.cancel(false));
        monitors.remove(name).close();
        jobsets.remove(name);
    }

    @Override
    public synchronized List<Jobset> list() {
        return jobsets.values().stream().sorted(Comparator.comparing(Jobset::name)).toList();
    }

    @Override
    public synchronized Jobset get(String name) {
        Jobset jobset = jobsets.get(name);
        if (jobset == null) {
            throw new NotFoundException("jobset", name);
        }
        return jobset;
    }

    @Override
    public void evaluate(String name) {
        evaluate(name, false);
    }

    @Override
    public synchronized void evaluate(String name, boolean rebuildFailures) {
        get(name);
        monitors.get(name).tell(new JobsetMonitor.Evaluate(true, rebuildFailures));
    }

    @Override
    public synchronized void refresh(String name) {
        get(name);
        monitors.get(name).tell(new JobsetMonitor.Evaluate(false, false));
    }

    @Override
    public WebhookOutcome receiveWebhook(Map<String, String> headers, byte[] body) {
        return webhooks.receive(headers, body);
    }

    private void removeClosedRequests() {
        try {
            webhooks.removeClosedRequests();
        } catch (RuntimeException e) {
            LOG.warn("Cannot remove the jobsets of closed pull requests", e);
        }
    }

    @Override
    public List<Evaluation> evaluations(String name) {
        get(name);
        return context.store().evaluations(name);
    }

    @Override
    public Map<String, Evaluation> latestEvaluations() {
        return context.store().latestEvaluations();
    }

    @Override
    public Evaluation evaluation(long id) {
        return context.store().evaluation(id).orElseThrow(() -> new NotFoundException("evaluation", id));
    }

    @Override
    public Path evaluationLog(long id) {
        evaluation(id);
        return context.store().log(id);
    }

    @Override
    public EvaluationSummary summary(long id) {
        Evaluation evaluation = evaluation(id);
        Set<String> succeededBefore = previousEvaluation(evaluation)
                .map(previous -> namesOfBuildsIn(previous.id(), BuildState.SUCCEEDED))
                .orElse(Set.of());
        int succeeded = 0;
        int failed = 0;
        int pending = 0;
        int canceled = 0;
        int newlyFailing = 0;
        for (EvaluationBuild entry : context.store().builds(id)) {
            BuildState state = stateOf(entry);
            if (state == null) {
                continue;
            }
            switch (state) {
                case SUCCEEDED -> succeeded++;
                case CANCELED -> canceled++;
                case FAILED, DEPENDENCY_FAILED -> {
                    failed++;
                    if (succeededBefore.contains(derivationName(entry.derivationPath()))) {
                        newlyFailing++;
                    }
                }
                default -> pending++;
            }
        }
        return new EvaluationSummary(succeeded, failed, pending, canceled, newlyFailing);
    }

    @Override
    public int cancelPending(long id) {
        evaluation(id);
        int canceled = 0;
        for (EvaluationBuild entry : context.store().builds(id)) {
            if (Pending.cancel(context.builds(), entry.buildId())) {
                canceled++;
            }
        }
        return canceled;
    }

    /**
     * What a closed pull request's jobset no longer needs: its evaluations get no final status, and the builds they
     * found that no other jobset's evaluation found are canceled if they have not finished. Returns how many were.
     */
    private int closePullRequest(String name) {
        context.statuses().tell(new StatusReporter.Withdraw(name));
        Set<Long> own = new HashSet<>();
        context.store().evaluations(name).forEach(evaluation -> own.add(evaluation.id()));
        Set<UUID> seen = new HashSet<>();
        int canceled = 0;
        for (long evaluation : own) {
            for (EvaluationBuild entry : context.store().builds(evaluation)) {
                if (seen.add(entry.buildId()) && isPending(entry)
                        && own.containsAll(context.store().evaluationsWithBuild(entry.buildId()))
                        && Pending.cancel(context.builds(), entry.buildId())) {
                    canceled++;
                }
            }
        }
        LOG.info("Jobset {}: its pull request closed, {} pending builds canceled", name, canceled);
        return canceled;
    }

    private boolean isPending(EvaluationBuild entry) {
        BuildState state = stateOf(entry);
        return state != null && Pending.isPending(state);
    }

    /** The evaluation's failed jobs, those that failed themselves before those whose inputs failed. */
    private List<StatusReporter.FailedJob> failedJobs(long id) {
        List<StatusReporter.FailedJob> failed = new ArrayList<>();
        for (EvaluationBuild entry : context.store().builds(id)) {
            BuildState state = stateOf(entry);
            if (state == BuildState.FAILED || state == BuildState.DEPENDENCY_FAILED) {
                failed.add(new StatusReporter.FailedJob(jobName(entry.derivationPath()), entry.buildId(),
                        state == BuildState.DEPENDENCY_FAILED));
            }
        }
        failed.sort(Comparator.comparing(StatusReporter.FailedJob::dependencyFailed));
        return failed;
    }

    private void startMonitor(Jobset jobset, Map<String, String> lastCommits) {
        JobsetMonitor monitor = new JobsetMonitor(context, jobset, lastCommits);
        monitors.put(jobset.name(), monitor);
        jobsets.put(jobset.name(), jobset);
        monitor.start();
        schedule(jobset);
    }

    private void schedule(Jobset jobset) {
        Optional.ofNullable(ticks.remove(jobset.name())).ifPresent(tick -> tick.cancel(false));
        if (jobset.period().isZero()) {
            return;
        }
        JobsetMonitor monitor = monitors.get(jobset.name());
        long periodMillis = jobset.period().toMillis();
        ticks.put(jobset.name(), clock.scheduleAtFixedRate(() -> monitor.tell(new JobsetMonitor.Evaluate(false, false)),
                0, periodMillis, TimeUnit.MILLISECONDS));
    }

    private Optional<Evaluation> previousEvaluation(Evaluation evaluation) {
        return context.store().evaluations(evaluation.jobset()).stream()
                .filter(other -> other.id() < evaluation.id())
                .findFirst();
    }

    private Set<String> namesOfBuildsIn(long evaluationId, BuildState wanted) {
        Set<String> names = new HashSet<>();
        for (EvaluationBuild entry : context.store().builds(evaluationId)) {
            if (stateOf(entry) == wanted) {
                names.add(derivationName(entry.derivationPath()));
            }
        }
        return names;
    }

    private BuildState stateOf(EvaluationBuild entry) {
        try {
            return context.builds().get(entry.buildId()).state();
        } catch (KilnException e) {
            return null;
        }
    }

    /** A job's name: its derivation's name without {@code .drv}. */
    private static String jobName(String path) {
        String name = derivationName(path);
        return name.endsWith(".drv") ? name.substring(0, name.length() - 4) : name;
    }

    /** The name part of a store path: what stays the same when a derivation changes. */
    private static String derivationName(String path) {
        String baseName = path.substring(path.lastIndexOf('/') + 1);
        int dash = baseName.indexOf('-');
        return dash < 0 ? baseName : baseName.substring(dash + 1);
    }

    /** The commits of the jobset's newest evaluation that succeeded, of evaluations newest first. */
    private static Map<String, String> lastCommits(List<Evaluation> evaluations) {
        return evaluations.stream()
                .filter(evaluation -> evaluation.status() == EvaluationStatus.SUCCEEDED)
                .findFirst()
                .map(Evaluation::commits)
                .orElse(Map.of());
    }
}
