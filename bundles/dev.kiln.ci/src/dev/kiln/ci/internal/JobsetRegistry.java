package dev.kiln.ci.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.EvaluationSummary;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.JobsetService;

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

    @Activate
    public JobsetRegistry(@Reference BuildService builds, @Reference DerivationService derivations,
            CiConfiguration configuration) throws IOException {
        CiOptions options = CiOptions.from(configuration);
        JobsetFiles files = new JobsetFiles(options.ciDir());
        List<Evaluation> evaluations = files.evaluations();
        long lastId = evaluations.stream().mapToLong(Evaluation::id).max().orElse(0);
        context = new CiContext(builds, derivations,
                new LimitedWorker("channel-updater", options.maxConcurrentUpdates()),
                new LimitedWorker("evaluator", options.maxConcurrentEvaluations()),
                new Checkouts(options.ciDir().resolve("checkouts")), files, new AtomicLong(lastId),
                options.evaluationTimeout());
        context.channelUpdater().start();
        context.evaluator().start();
        failInterruptedEvaluations(files, evaluations);
        for (Jobset jobset : files.jobsets()) {
            startMonitor(jobset, lastCommits(evaluations, jobset.name()));
        }
    }

    @Deactivate
    synchronized void stop() {
        clock.shutdownNow();
        monitors.values().forEach(JobsetMonitor::close);
        monitors.clear();
        context.evaluator().close();
        context.channelUpdater().close();
    }

    @Override
    public synchronized Jobset add(Jobset jobset) {
        if (jobsets.containsKey(jobset.name())) {
            throw new InvalidRequestException("there is a jobset " + jobset.name() + " already");
        }
        save(jobset);
        startMonitor(jobset, Map.of());
        return jobset;
    }

    @Override
    public synchronized Jobset update(Jobset jobset) {
        Jobset old = get(jobset.name());
        save(jobset);
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
        try {
            context.files().delete(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove jobset " + name, e);
        }
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
    public synchronized void evaluate(String name) {
        get(name);
        monitors.get(name).tell(new JobsetMonitor.Evaluate(true));
    }

    @Override
    public List<Evaluation> evaluations(String name) {
        get(name);
        return allEvaluations().stream()
                .filter(evaluation -> evaluation.jobset().equals(name))
                .sorted(Comparator.comparingLong(Evaluation::id).reversed())
                .toList();
    }

    @Override
    public Evaluation evaluation(long id) {
        try {
            return context.files().evaluation(id).orElseThrow(() -> new NotFoundException("evaluation", id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read evaluation " + id, e);
        }
    }

    @Override
    public Path evaluationLog(long id) {
        evaluation(id);
        return context.files().evaluationLog(id);
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
        for (EvaluationBuilds.Entry entry : builds(id)) {
            BuildState state = stateOf(entry);
            if (state == null) {
                continue;
            }
            switch (state) {
                case SUCCEEDED -> succeeded++;
                case CANCELED -> canceled++;
                case FAILED, DEPENDENCY_FAILED -> {
                    failed++;
                    if (succeededBefore.contains(derivationName(entry.derivation()))) {
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
        for (EvaluationBuilds.Entry entry : builds(id)) {
            if (Pending.cancel(context.builds(), entry.build())) {
                canceled++;
            }
        }
        return canceled;
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
        ticks.put(jobset.name(), clock.scheduleAtFixedRate(() -> monitor.tell(new JobsetMonitor.Evaluate(false)),
                0, periodMillis, TimeUnit.MILLISECONDS));
    }

    private void save(Jobset jobset) {
        try {
            context.files().save(jobset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save jobset " + jobset.name(), e);
        }
    }

    private List<Evaluation> allEvaluations() {
        try {
            return context.files().evaluations();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the evaluations", e);
        }
    }

    private Optional<Evaluation> previousEvaluation(Evaluation evaluation) {
        return allEvaluations().stream()
                .filter(other -> other.jobset().equals(evaluation.jobset()) && other.id() < evaluation.id())
                .max(Comparator.comparingLong(Evaluation::id));
    }

    private Set<String> namesOfBuildsIn(long evaluationId, BuildState wanted) {
        Set<String> names = new HashSet<>();
        for (EvaluationBuilds.Entry entry : builds(evaluationId)) {
            if (stateOf(entry) == wanted) {
                names.add(derivationName(entry.derivation()));
            }
        }
        return names;
    }

    private List<EvaluationBuilds.Entry> builds(long evaluationId) {
        try {
            return EvaluationBuilds.read(context.files().evaluationBuilds(evaluationId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the builds of evaluation " + evaluationId, e);
        }
    }

    private BuildState stateOf(EvaluationBuilds.Entry entry) {
        try {
            return context.builds().get(entry.build()).state();
        } catch (KilnException e) {
            return null;
        }
    }

    /** The name part of a store path: what stays the same when a derivation changes. */
    private static String derivationName(String path) {
        String baseName = path.substring(path.lastIndexOf('/') + 1);
        int dash = baseName.indexOf('-');
        return dash < 0 ? baseName : baseName.substring(dash + 1);
    }

    /** An evaluation still running when the coordinator stopped is over: it is recorded as failed. */
    private static void failInterruptedEvaluations(JobsetFiles files, List<Evaluation> evaluations) throws IOException {
        for (Evaluation evaluation : evaluations) {
            if (evaluation.status() == EvaluationStatus.RUNNING) {
                files.save(new Evaluation(evaluation.id(), evaluation.jobset(), evaluation.commits(),
                        evaluation.startedAt(), Instant.now(), EvaluationStatus.FAILED, evaluation.derivationsFound(),
                        evaluation.buildsSubmitted(), "interrupted by a restart of the coordinator"));
                LOG.warn("Evaluation {} of jobset {} was interrupted by a restart", evaluation.id(), evaluation.jobset());
            }
        }
    }

    private static Map<String, String> lastCommits(List<Evaluation> evaluations, String jobset) {
        return evaluations.stream()
                .filter(evaluation -> evaluation.jobset().equals(jobset) && evaluation.status() == EvaluationStatus.SUCCEEDED)
                .max(Comparator.comparingLong(Evaluation::id))
                .map(Evaluation::commits)
                .orElse(Map.of());
    }
}
