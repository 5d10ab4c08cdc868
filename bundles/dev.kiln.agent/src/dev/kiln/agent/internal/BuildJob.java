package dev.kiln.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.agent.internal.CoordinatorConnection.AllocatedBuild;
import dev.kiln.agent.internal.CoordinatorConnection.OutputReport;
import dev.kiln.execution.BuildExecutor;
import dev.kiln.execution.BuildRequest;
import dev.kiln.execution.BuildResult;
import dev.kiln.execution.BuiltOutput;
import dev.kiln.protocol.BuildLimitsInfo;
import dev.kiln.protocol.SetupFailureKind;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.derivation.DerivationOutput;

/**
 * One build on this agent, from set-up to the report of its result: inputs made present (or a setup failure
 * listing the missing ones), stale outputs deleted, the start reported while the executor runs with its log
 * streamed, the outputs uploaded, the result reported. Runs on its own thread; interrupting it stops the build without a
 * report (the build was abandoned or is handed back).
 */
final class BuildJob {

    private static final Logger LOG = LoggerFactory.getLogger(BuildJob.class);
    private static final BuildLimitsInfo NO_LIMITS = new BuildLimitsInfo(null, null, null, null);

    /** How a job ended, for the fetch loop. */
    enum Ending {
        /** The coordinator has the result (success, failure or setup failure). */
        REPORTED,
        /** The job was interrupted before it reported anything. */
        INTERRUPTED,
        /** The result could not be reported; the coordinator will take the build back when it misses it. */
        UNREPORTED
    }

    /** What jobs share. */
    record Services(CoordinatorConnection connection, LocalStore store, Substituter substituter, Uploader uploader,
            BuildExecutor executor, KnownDerivations derivations, BuildDirectories directories, AgentSettings settings) {
    }

    private final Services services;
    private final AllocatedBuild build;
    private final Progress progress;
    /** The report of the start, once sent: an unexpected error after it fails the build. */
    private volatile StartReport startReport;

    /** What a job tells as it goes, from its threads. */
    interface Progress {
        Progress NONE = new Progress() {
            @Override
            public void started() {
            }

            @Override
            public void built() {
            }
        };

        /** The coordinator recorded the start. */
        void started();

        /** The builder is done; the outputs are to be uploaded and the result reported. */
        void built();
    }

    BuildJob(Services services, AllocatedBuild build, Progress progress) {
        this.services = services;
        this.build = build;
        this.progress = progress;
    }

    Ending run() {
        Path buildDirectory;
        try {
            buildDirectory = services.directories().take();
        } catch (IOException e) {
            LOG.error("Build {}: cannot make a build directory: {}", build.id(), e.getMessage());
            return reportUnexpected(e);
        }
        try {
            return runIn(buildDirectory);
        } catch (InterruptedException e) {
            if (startReport != null) {
                startReport.cancel();
            }
            return Ending.INTERRUPTED;
        } catch (IOException e) {
            LOG.error("Cannot report on build {} ({}): {}", build.id(), build.drvPath(), e.getMessage());
            return Ending.UNREPORTED;
        } catch (RuntimeException | Error e) {
            LOG.error("Build {} ({}) stopped on an unexpected error", build.id(), build.drvPath(), e);
            return reportUnexpected(e);
        } finally {
            services.directories().giveBack(buildDirectory);
        }
    }

    private Ending runIn(Path buildDirectory) throws IOException, InterruptedException {
        CoordinatorConnection connection = services.connection();
        LocalStore store = services.store();
        Derivation derivation;
        StorePath drvPath;
        List<StorePath> outputs = new ArrayList<>();
        try {
            drvPath = store.storeDir().parsePath(build.drvPath());
            derivation = Derivation.parse(drvPath, build.derivationText().getBytes(StandardCharsets.UTF_8));
            services.derivations().remember(derivation);
            for (DerivationOutput output : derivation.outputs().values()) {
                outputs.add(output.path().orElseThrow(() -> new DerivationFormatException(
                        "content-addressed outputs are not supported")));
            }
        } catch (DerivationFormatException | IllegalArgumentException e) {
            LOG.error("Build {}: {} cannot be built here: {}", build.id(), build.drvPath(), e.getMessage());
            connection.setupFailure(build.id(), SetupFailureKind.OTHER, List.of());
            return Ending.REPORTED;
        }
        Set<StorePath> closure = new HashSet<>();
        boolean nixManagesStore = services.settings().nixManagesStore();
        if (!nixManagesStore) {
            Substituter.Closure inputs = services.substituter().ensure(inputsOf(derivation));
            if (!inputs.missing().isEmpty()) {
                LOG.info("Build {} of {} misses inputs {}", build.id(), drvPath, inputs.missing());
                connection.setupFailure(build.id(), SetupFailureKind.MISSING_INPUTS,
                        inputs.missing().stream().map(StorePath::toString).toList());
                return Ending.REPORTED;
            }
            closure = inputs.closure();
        }
        // Nix builds again what is invalid in its own store and keeps what is valid.
        for (StorePath output : nixManagesStore ? List.<StorePath>of() : outputs) {
            try {
                store.delete(output);
            } catch (IOException e) {
                LOG.error("Build {}: cannot delete the existing output {}: {}", build.id(), output, e.getMessage());
                connection.setupFailure(build.id(), SetupFailureKind.COULD_NOT_DELETE_OUTPUTS, List.of());
                return Ending.REPORTED;
            }
        }
        // The start is reported while the builder runs: the slot does not wait for the coordinator's answer.
        startReport = new StartReport(connection, build.id(), progress);
        LOG.info("Building {} ({})", drvPath, build.id());
        BuildResult result;
        AgentSettings settings = services.settings();
        try (LogStream log = new LogStream(connection, build.id(), startReport::answered)) {
            BuildLimitsInfo limits = build.limits() == null ? NO_LIMITS : build.limits();
            result = services.executor().build(new BuildRequest(drvPath, derivation, store.storeRoot(),
                    buildDirectory, closure, settings.sandbox(), tighter(settings.timeout(), limits.timeout()),
                    tighter(settings.maxSilent(), limits.maxSilentTime()), orZero(limits.maxLogSize()),
                    orZero(limits.maxOutputSize()), settings.cores(), settings.substituters(),
                    settings.trustedKeys(), log));
            // A log cut at its limit ends with the line that says so.
            if (!result.succeeded() && result.status() != BuildResult.Status.LOG_LIMIT) {
                log.write(("\n" + result.message() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            LOG.error("Build {}: the executor could not run {}: {}", build.id(), drvPath, e.getMessage());
            startReport.await();
            connection.setupFailure(build.id(), SetupFailureKind.OTHER, List.of());
            return Ending.REPORTED;
        }
        if (!result.succeeded()) {
            LOG.info("Build {} of {} failed: {}", build.id(), drvPath, result.message());
            if (!nixManagesStore) {
                for (StorePath output : outputs) {
                    store.delete(output);
                }
            }
            progress.built();
            startReport.await();
            connection.failure(build.id(), failureKind(result.status()), result.exitStatus());
            return Ending.REPORTED;
        }
        for (BuiltOutput output : result.outputs().values()) {
            store.register(output.path(), output.nar(), output.references());
        }
        progress.built();
        startReport.await();
        reportSuccess(result.outputs().values(), false);
        LOG.info("Built {} ({}) in {} ms", drvPath, build.id(), result.duration().toMillis());
        return Ending.REPORTED;
    }

    /** The failure kind of an ending, as the agent API names it. */
    static String failureKind(BuildResult.Status status) {
        return switch (status) {
            case TIMED_OUT -> "timed-out";
            case SILENT_TOO_LONG -> "silent";
            case LOG_LIMIT -> "log-limit";
            case OUTPUT_LIMIT -> "output-limit";
            case SUCCEEDED, FAILED, OUTPUT_REJECTED -> "failed";
        };
    }

    /** The tighter of the agent's own time limit and the build's (seconds, null or 0 for none). */
    static Duration tighter(Duration own, Long buildSeconds) {
        if (buildSeconds == null || buildSeconds == 0) {
            return own;
        }
        Duration build = Duration.ofSeconds(buildSeconds);
        return own.isZero() || build.compareTo(own) < 0 ? build : own;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    /**
     * Reports a build that an unexpected error stopped, so that its slot and the build are not held for ever: a
     * started build failed (its log says why), one that had not started is handed back as a setup failure.
     */
    private Ending reportUnexpected(Throwable error) {
        CoordinatorConnection connection = services.connection();
        try {
            if (startReport != null && startReport.succeeded()) {
                connection.appendLog(build.id(), ("\n[kiln-agent: the build stopped on an unexpected error: " + error
                        + "]\n").getBytes(StandardCharsets.UTF_8));
                connection.failure(build.id(), "failed", null);
            } else {
                connection.setupFailure(build.id(), SetupFailureKind.OTHER, List.of());
            }
            return Ending.REPORTED;
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot report build {} after its unexpected error: {}", build.id(), e.toString());
            return Ending.UNREPORTED;
        } catch (InterruptedException e) {
            return Ending.INTERRUPTED;
        }
    }

    /** The start of a build, reported on a thread of its own. */
    private static final class StartReport {

        private final Thread sender;
        private volatile Exception failure;

        StartReport(CoordinatorConnection connection, UUID build, Progress progress) {
            sender = Thread.ofVirtual().name("start-" + build).start(() -> {
                try {
                    connection.start(build);
                    progress.started();
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
            });
        }

        /** Waits for the coordinator's answer; a failure to report the start is thrown again here. */
        void await() throws IOException, InterruptedException {
            if (!succeeded()) {
                if (failure instanceof IOException e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            }
        }

        void cancel() {
            sender.interrupt();
        }

        /** Waits for the coordinator's answer, whatever it is; an interruption leaves the report going. */
        void answered() throws InterruptedException {
            sender.join();
        }

        boolean succeeded() throws InterruptedException {
            try {
                sender.join();
            } catch (InterruptedException e) {
                sender.interrupt();
                throw e;
            }
            return failure == null;
        }
    }

    /** @param resume whether the uploads may have begun before the agent restarted */
    private void reportSuccess(Iterable<BuiltOutput> outputs, boolean resume) throws IOException, InterruptedException {
        List<OutputReport> reports = new ArrayList<>();
        for (BuiltOutput output : outputs) {
            reports.add(services.uploader().upload(build.id(), output, resume));
        }
        services.connection().success(build.id(), reports);
    }

    /**
     * Takes up a build held before a crash: when all its outputs are valid here, they are uploaded and the success
     * reported.
     *
     * @return whether the build was taken up and reported
     */
    boolean reattach() throws InterruptedException {
        try {
            StorePath drvPath = services.store().storeDir().parsePath(build.drvPath());
            Derivation derivation = Derivation.parse(drvPath, build.derivationText().getBytes(StandardCharsets.UTF_8));
            List<BuiltOutput> outputs = new ArrayList<>();
            for (Map.Entry<String, DerivationOutput> output : derivation.outputs().entrySet()) {
                StorePath path = output.getValue().path().orElse(null);
                if (path == null || !services.store().isValid(path)) {
                    return false;
                }
                LocalStore.PathInfo info = services.store().info(path);
                outputs.add(new BuiltOutput(output.getKey(), path, info.nar(), info.references()));
            }
            reportSuccess(outputs, true);
            LOG.info("Reported build {} of {}, finished before the agent stopped", build.id(), drvPath);
            return true;
        } catch (IOException | DerivationFormatException | IllegalArgumentException e) {
            LOG.info("Cannot take up build {} again: {}", build.id(), e.getMessage());
            return false;
        }
    }

    private List<StorePath> inputsOf(Derivation derivation) throws IOException {
        List<StorePath> inputs = new ArrayList<>(derivation.inputSrcs());
        for (Map.Entry<StorePath, SortedSet<String>> input : derivation.inputDrvs().entrySet()) {
            SortedMap<String, StorePath> outputs = services.derivations().outputs(input.getKey());
            for (String name : input.getValue()) {
                StorePath output = outputs.get(name);
                if (output == null) {
                    throw new IOException(input.getKey() + " has no output " + name + " with a known path");
                }
                inputs.add(output);
            }
        }
        return inputs;
    }

    UUID id() {
        return build.id();
    }
}
