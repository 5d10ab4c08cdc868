package dev.kiln.execution.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Component;

import dev.kiln.execution.BuildExecutor;
import dev.kiln.execution.BuildRequest;
import dev.kiln.execution.BuildResult;
import dev.kiln.execution.BuildResult.Status;
import dev.kiln.execution.BuiltOutput;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationOutput;

/**
 * Runs the builder itself, with the environment Nix gives it, either directly (the store root must then be the
 * store directory) or in a bubblewrap sandbox that shows it only its input closure, its build directory (at
 * {@code /build}, as in Nix's sandbox) and its outputs, with the store root mounted at the store directory.
 * Sandboxed outputs are made in a staging directory and moved into the store root once the builder succeeded.
 */
@Component(property = BuildExecutor.NAME_PROPERTY + "=native")
public final class NativeExecutor implements BuildExecutor {

    /** Where the build directory appears inside the sandbox, as in Nix. */
    static final String SANDBOX_BUILD_DIRECTORY = "/build";

    @Override
    public BuildResult build(BuildRequest request) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Derivation derivation = request.derivation();
        Path storeDir = Path.of(derivation.storeDir().path());
        if (request.sandbox() == null && !request.storeRoot().equals(storeDir)) {
            throw new IOException("the store root " + request.storeRoot() + " differs from the store directory "
                    + storeDir + ": only a sandboxed build can see it there");
        }
        // Unsandboxed, the builder's top directory is the build directory itself: one directory less to make and
        // delete for each build.
        Path hostBuildDirectory = request.buildDirectory();
        Path outputsDirectory = request.storeRoot();
        List<String> command = new ArrayList<>();
        String buildDirectory;
        if (request.sandbox() == null) {
            buildDirectory = hostBuildDirectory.toString();
        } else {
            hostBuildDirectory = Files.createDirectories(request.buildDirectory().resolve("build"));
            buildDirectory = SANDBOX_BUILD_DIRECTORY;
            outputsDirectory = Files.createDirectories(request.buildDirectory().resolve("store"));
            command.addAll(BubblewrapCommand.of(request, outputsDirectory, hostBuildDirectory));
        }
        command.add(derivation.builder());
        command.addAll(derivation.args());
        ProcessBuilder process = new ProcessBuilder(command).directory(hostBuildDirectory.toFile());
        Map<String, String> environment = process.environment();
        environment.clear();
        environment.putAll(BuildEnvironment.of(derivation, hostBuildDirectory, buildDirectory, request.cores()));
        SupervisedProcess.Outcome outcome;
        try {
            outcome = SupervisedProcess.run(process, request.log(), request.timeout(), request.maxSilent(),
                    request.maxLogBytes());
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        return switch (outcome.status()) {
            case SUCCEEDED -> collectOutputs(request, outputsDirectory, duration);
            case FAILED -> BuildResult.builderFailed("builder for " + request.drvPath() + " failed with exit code "
                    + outcome.exitCode(), duration, outcome.exitCode());
            case TIMED_OUT -> BuildResult.failure(Status.TIMED_OUT, request.drvPath() + " timed out after "
                    + request.timeout().toSeconds() + " seconds", duration);
            case SILENT_TOO_LONG -> BuildResult.failure(Status.SILENT_TOO_LONG, request.drvPath() + " timed out after "
                    + request.maxSilent().toSeconds() + " seconds of silence", duration);
            case LOG_LIMIT -> logLimit(request, duration);
            case OUTPUT_REJECTED, OUTPUT_LIMIT -> throw new IllegalStateException("a process cannot reject outputs");
        };
    }

    static BuildResult logLimit(BuildRequest request, Duration duration) {
        return BuildResult.failure(Status.LOG_LIMIT, request.drvPath() + " wrote more than its log limit of "
                + request.maxLogBytes() + " bytes", duration);
    }

    /** The result of a builder that succeeded: a success, or a failure when an output is over the size limit. */
    static BuildResult succeeded(BuildRequest request, SortedMap<String, BuiltOutput> outputs, Duration duration) {
        String over = OutputCheck.overSizeLimit(outputs.values(), request.maxOutputBytes());
        return over == null ? new BuildResult(Status.SUCCEEDED, "", outputs, duration)
                : BuildResult.failure(Status.OUTPUT_LIMIT, over, duration);
    }

    private static BuildResult collectOutputs(BuildRequest request, Path madeIn, Duration duration) throws IOException {
        Derivation derivation = request.derivation();
        SortedMap<String, StorePath> paths = new TreeMap<>();
        for (Map.Entry<String, DerivationOutput> output : derivation.outputs().entrySet()) {
            StorePath path = output.getValue().path()
                    .orElseThrow(() -> new IOException("output " + output.getKey() + " of " + request.drvPath()
                            + " has no path before the build: content-addressed derivations are not supported"));
            if (!Files.exists(madeIn.resolve(path.baseName()), LinkOption.NOFOLLOW_LINKS)) {
                return BuildResult.failure(Status.OUTPUT_REJECTED, "builder for " + request.drvPath()
                        + " failed to produce output path " + path, duration);
            }
            paths.put(output.getKey(), path);
        }
        if (!madeIn.equals(request.storeRoot())) {
            for (StorePath path : paths.values()) {
                StoreFiles.move(madeIn.resolve(path.baseName()), request.storeRoot().resolve(path.baseName()));
            }
        }
        SortedMap<String, BuiltOutput> outputs = new TreeMap<>();
        for (Map.Entry<String, StorePath> output : paths.entrySet()) {
            Path file = request.storeRoot().resolve(output.getValue().baseName());
            if (derivation.outputs().get(output.getKey()) instanceof DerivationOutput.Fixed fixed) {
                String mismatch = OutputCheck.fixedOutputMismatch(fixed, file);
                if (mismatch != null) {
                    return BuildResult.failure(Status.OUTPUT_REJECTED, mismatch, duration);
                }
            }
            outputs.put(output.getKey(), OutputCheck.describe(output.getKey(), output.getValue(), file,
                    request.inputClosure(), paths.values()));
        }
        return succeeded(request, outputs, duration);
    }
}
