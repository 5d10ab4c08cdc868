package dev.kiln.ci.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.BuildState;
import dev.kiln.api.KilnException;
import dev.kiln.api.SubmitOutcome;
import dev.kiln.api.SubmitOptions;
import dev.kiln.api.SubmitResult;
import dev.kiln.api.Tag;
import dev.kiln.api.datastore.EvaluationBuild;
import dev.kiln.ci.Channel;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.Jobset;

/**
 * One jobset's actor: on its period or on demand, updates the channels through the channel updater and, when they
 * moved (or when asked to), runs the evaluation through the evaluator, submitting each derivation as it is printed.
 * One evaluation at a time per jobset.
 */
final class JobsetMonitor extends Actor<JobsetMonitor.Message> {

    sealed interface Message {
    }

    /**
     * Evaluate; {@code force} evaluates even when no channel moved, {@code rebuildFailures} retries the failed builds
     * of the derivations found.
     */
    record Evaluate(boolean force, boolean rebuildFailures) implements Message {
    }

    record Redefine(Jobset jobset) implements Message {
    }

    private static final Logger LOG = LoggerFactory.getLogger(JobsetMonitor.class);
    /** The builds of an evaluation are recorded this many at a time as they are submitted. */
    private static final int BUILDS_PER_WRITE = 256;

    private final CiContext context;
    private Jobset jobset;
    private Map<String, String> lastCommits;

    JobsetMonitor(CiContext context, Jobset jobset, Map<String, String> lastCommits) {
        super("jobset-" + jobset.name());
        this.context = context;
        this.jobset = jobset;
        this.lastCommits = Map.copyOf(lastCommits);
    }

    @Override
    protected void receive(Message message) throws InterruptedException {
        switch (message) {
            case Redefine redefine -> jobset = redefine.jobset();
            case Evaluate evaluate -> {
                if (jobset.enabled()) {
                    evaluate(evaluate.force(), evaluate.rebuildFailures());
                }
            }
        }
    }

    private void evaluate(boolean force, boolean rebuildFailures) throws InterruptedException {
        Jobset current = jobset;
        Instant startedAt = Instant.now();
        Map<String, String> commits;
        try {
            commits = updateChannels(current);
        } catch (ExecutionException e) {
            context.store().failedToStart(current.name(), startedAt, "updating the channels failed: " + rootMessage(e));
            return;
        }
        if (!force && commits.equals(lastCommits)) {
            LOG.debug("Jobset {}: no channel moved", current.name());
            return;
        }
        Evaluation running = context.store().start(current.name(), commits, startedAt);
        context.statuses().tell(new StatusReporter.Started(current, running));
        long id = running.id();
        AtomicInteger found = new AtomicInteger();
        AtomicInteger submitted = new AtomicInteger();
        Set<String> refused = new HashSet<>();
        String error = null;
        try {
            context.evaluator().submit(() -> {
                run(current, id, rebuildFailures, found, submitted, refused);
                return null;
            }).get();
        } catch (ExecutionException e) {
            error = rootMessage(e);
        }
        if (error == null && !refused.isEmpty()) {
            error = refused.size() + " derivation(s) refused, the first: " + refused.iterator().next();
        }
        Evaluation finished = context.store().finish(running, Instant.now(), found.get(), submitted.get(), error);
        context.statuses().tell(new StatusReporter.Finished(current, finished));
        lastCommits = commits;
        if (error == null && current.supersede()) {
            supersedeOlderEvaluations(current, id);
        }
        LOG.info("Jobset {}: evaluation {} found {} derivations, submitted {} builds{}", current.name(), id, found.get(),
                submitted.get(), error == null ? "" : "; " + error);
    }

    /** Cancels what older evaluations of the jobset still have pending and this one no longer builds. */
    private void supersedeOlderEvaluations(Jobset current, long id) {
        Set<String> stillWanted = new HashSet<>();
        context.store().builds(id).forEach(entry -> stillWanted.add(entry.derivationPath()));
        for (Evaluation older : context.store().evaluations(current.name())) {
            if (older.id() < id) {
                for (EvaluationBuild entry : context.store().builds(older.id())) {
                    if (!stillWanted.contains(entry.derivationPath())) {
                        Pending.cancel(context.builds(), entry.buildId());
                    }
                }
            }
        }
    }

    private Map<String, String> updateChannels(Jobset current) throws InterruptedException, ExecutionException {
        Map<String, String> commits = new LinkedHashMap<>();
        for (Channel channel : current.channels()) {
            commits.put(channel.name(), context.channelUpdater()
                    .submit(() -> context.checkouts().update(current.name(), channel)).get());
        }
        return commits;
    }

    /** Runs the command on the evaluator's thread, submitting each derivation the moment it is printed. */
    private void run(Jobset current, long id, boolean rebuildFailures, AtomicInteger found, AtomicInteger submitted,
            Set<String> refused) throws IOException, InterruptedException {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Channel channel : current.channels()) {
            environment.put("KILN_CHANNEL_" + channel.name().toUpperCase(Locale.ROOT).replace('-', '_'),
                    context.checkouts().directory(current.name(), channel).toString());
        }
        environment.put("KILN_EVALUATION", Long.toString(id));
        environment.put("KILN_STORE_DIR", current.storeDir());
        Path workDir = context.checkouts().directory(current.name(), current.channels().get(0));
        Path log = context.store().log(id);
        SubmitOptions options = SubmitOptions.DEFAULT
                .withPriority(current.priority())
                .withTags(withEvaluationTags(current, id))
                .withIgnoreIfDerivationHasBuild(true);
        DerivationSubmitter submitter = new DerivationSubmitter(context.builds(), context.derivations(),
                current.storeDir(), current.storeRoot());
        List<EvaluationBuild> builds = new ArrayList<>();
        try {
            new EvaluationProcess(current.evaluationCommand(), workDir, environment,
                    context.evaluationBudget().withTime(current.evaluationTimeout()))
                    .run(log, drvPath -> {
                        if (found.incrementAndGet() > current.maxBuildsPerEvaluation()) {
                            return;
                        }
                        try {
                            SubmitResult result = submitter.submit(drvPath, options);
                            if (result.outcome() == SubmitOutcome.CREATED) {
                                submitted.incrementAndGet();
                            } else if (rebuildFailures && result.buildId() != null
                                    && context.builds().get(result.buildId()).state() == BuildState.FAILED) {
                                context.builds().retry(result.buildId());
                                appendToLog(log, "kiln: rebuilding the failed build of " + drvPath);
                            }
                            if (result.buildId() != null) {
                                builds.add(new EvaluationBuild(drvPath, result.buildId()));
                                if (builds.size() >= BUILDS_PER_WRITE) {
                                    context.store().addBuilds(id, List.copyOf(builds));
                                    builds.clear();
                                }
                            }
                        } catch (KilnException | IOException e) {
                            refused.add(drvPath + ": " + e.getMessage());
                            appendToLog(log, "kiln: refused " + drvPath + ": " + e.getMessage());
                        }
                    });
        } finally {
            context.store().addBuilds(id, builds);
        }
        if (found.get() > current.maxBuildsPerEvaluation()) {
            appendToLog(log, "kiln: stopped submitting after " + current.maxBuildsPerEvaluation() + " derivations");
        }
    }

    private static Set<Tag> withEvaluationTags(Jobset current, long id) {
        Set<Tag> tags = new HashSet<>();
        current.tags().stream().filter(tag -> !tag.key().equals("jobset") && !tag.key().equals("evaluation")).forEach(tags::add);
        tags.add(new Tag("jobset", current.name()));
        tags.add(new Tag("evaluation", Long.toString(id)));
        return tags;
    }

    private static void appendToLog(Path log, String line) {
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("Cannot write to {}", log, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause != cause.getCause()) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
