package dev.kiln.execution.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Component;

import dev.kiln.execution.BuildExecutor;
import dev.kiln.execution.BuildRequest;
import dev.kiln.execution.BuildResult;
import dev.kiln.execution.BuildResult.Status;
import dev.kiln.execution.BuiltOutput;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.DerivationOutput;
import dev.kiln.store.nar.NarWriter;

/**
 * Hands the derivation to a local Nix: {@code nix-store --realise}, with the request's substituters (the
 * coordinator's cache first) as the only ones, so that Nix fetches the {@code .drv} and its inputs itself; without
 * trusted keys, only the first of them, unsigned. A store
 * root other than the store directory must end with it, and is then used as Nix's chroot store
 * ({@code local?root=...}). The references of the outputs are the ones Nix registered. The limits are kept by
 * watching {@code nix-store}, whose output is the build's log, as for a builder of the native executor: each
 * breach then has its own status, where Nix ends a timeout and a silence alike.
 */
@Component(property = BuildExecutor.NAME_PROPERTY + "=nix")
public final class NixExecutor implements BuildExecutor {

    /** Nix's exit codes for a build that ran and failed, as opposed to a setup problem. */
    private static final int BUILD_FAILED = 100;
    private static final int TIMED_OUT = 101;
    private static final int HASH_MISMATCH = 102;

    private final Map<String, String> nixEnvironment;

    /** Runs the machine's Nix, configured as the agent's environment says. */
    public NixExecutor() {
        this(Map.of());
    }

    /**
     * Runs Nix with these variables besides the agent's environment, and none of its other {@code NIX_*}
     * variables: a private Nix configuration ({@code NIX_CONF_DIR}), as for a Nix that must not touch the machine's.
     */
    NixExecutor(Map<String, String> nixEnvironment) {
        this.nixEnvironment = Map.copyOf(nixEnvironment);
    }

    @Override
    public BuildResult build(BuildRequest request) throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<String> store = storeOption(request);
        List<String> command = new ArrayList<>(List.of("nix-store", "--realise", request.drvPath().toString()));
        command.addAll(store);
        // Without trusted keys, only the first cache (the coordinator's) is believed unsigned, as by the agent itself.
        List<URI> substituters = request.trustedKeys().isEmpty()
                ? request.substituters().subList(0, Math.min(1, request.substituters().size()))
                : request.substituters();
        command.addAll(List.of("--option", "substituters",
                substituters.stream().map(URI::toString).collect(Collectors.joining(" "))));
        if (request.trustedKeys().isEmpty()) {
            command.addAll(List.of("--option", "require-sigs", "false"));
        } else {
            command.addAll(List.of("--option", "trusted-public-keys", String.join(" ", request.trustedKeys())));
        }
        command.addAll(List.of("--cores", Integer.toString(request.cores())));
        ProcessBuilder process = nixProcess(command).directory(request.buildDirectory().toFile());
        SupervisedProcess.Outcome outcome = SupervisedProcess.run(process, request.log(), request.timeout(),
                request.maxSilent(), request.maxLogBytes());
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        String what = "nix-store --realise " + request.drvPath();
        return switch (outcome.status()) {
            case SUCCEEDED -> NativeExecutor.succeeded(request, describeOutputs(request, store), duration);
            case TIMED_OUT -> BuildResult.failure(Status.TIMED_OUT, what + " timed out after "
                    + request.timeout().toSeconds() + " seconds", duration);
            case SILENT_TOO_LONG -> BuildResult.failure(Status.SILENT_TOO_LONG, what + " timed out after "
                    + request.maxSilent().toSeconds() + " seconds of silence", duration);
            case LOG_LIMIT -> NativeExecutor.logLimit(request, duration);
            case FAILED -> switch (outcome.exitCode()) {
                case TIMED_OUT -> BuildResult.failure(Status.TIMED_OUT, what + " timed out", duration);
                case HASH_MISMATCH -> BuildResult.failure(Status.OUTPUT_REJECTED, what + ": hash mismatch in a fixed output", duration);
                case BUILD_FAILED -> BuildResult.failure(Status.FAILED, what + " failed", duration);
                default -> throw new IOException(what + " could not build (exit code " + outcome.exitCode()
                        + "): see the build log");
            };
            case OUTPUT_REJECTED, OUTPUT_LIMIT -> throw new IllegalStateException("a process cannot reject outputs");
        };
    }

    private static List<String> storeOption(BuildRequest request) throws IOException {
        StoreDir storeDir = request.derivation().storeDir();
        Path storeRoot = request.storeRoot();
        if (storeRoot.equals(Path.of(storeDir.path()))) {
            return List.of();
        }
        if (!storeRoot.toString().endsWith(storeDir.path())) {
            throw new IOException("the nix executor needs a store root that ends with the store directory "
                    + storeDir.path() + ", not " + storeRoot);
        }
        String root = storeRoot.toString().substring(0, storeRoot.toString().length() - storeDir.path().length());
        return List.of("--store", "local?root=" + root + (storeDir.equals(StoreDir.NIX) ? "" : "&store=" + storeDir.path()));
    }

    private SortedMap<String, BuiltOutput> describeOutputs(BuildRequest request, List<String> store)
            throws IOException, InterruptedException {
        SortedMap<String, BuiltOutput> outputs = new TreeMap<>();
        for (Map.Entry<String, DerivationOutput> output : request.derivation().outputs().entrySet()) {
            StorePath path = output.getValue().path().orElseThrow(() -> new IOException(
                    "content-addressed derivations are not supported: " + request.drvPath()));
            List<String> query = new ArrayList<>(List.of("nix-store", "--query", "--references", path.toString()));
            query.addAll(store);
            TreeSet<StorePath> references = new TreeSet<>();
            for (String line : run(query).split("\n")) {
                if (request.derivation().storeDir().isStorePath(line.strip())) {
                    references.add(request.derivation().storeDir().parsePath(line.strip()));
                }
            }
            outputs.put(output.getKey(), new BuiltOutput(output.getKey(), path,
                    NarWriter.digest(request.storeRoot().resolve(path.baseName())), references));
        }
        return outputs;
    }

    private ProcessBuilder nixProcess(List<String> command) {
        ProcessBuilder process = new ProcessBuilder(command);
        if (!nixEnvironment.isEmpty()) {
            process.environment().keySet().removeIf(name -> name.startsWith("NIX_"));
            process.environment().putAll(nixEnvironment);
        }
        return process;
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SupervisedProcess.Outcome outcome = SupervisedProcess.run(nixProcess(command), out,
                Duration.ofMinutes(5), Duration.ZERO);
        String text = out.toString(StandardCharsets.UTF_8);
        if (outcome.status() != Status.SUCCEEDED) {
            throw new IOException(String.join(" ", command) + " failed: " + text.strip());
        }
        return text;
    }
}
