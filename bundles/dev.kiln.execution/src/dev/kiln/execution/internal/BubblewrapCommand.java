package dev.kiln.execution.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.kiln.execution.BuildRequest;
import dev.kiln.store.StorePath;

/**
 * The {@code bwrap} command line that sandboxes a build: new namespaces for everything (the network too, unless the
 * derivation is fixed-output), the host paths read-only, a writable staging directory at the store directory with
 * each path of the input closure bound read-only into it from the store root, and the build directory at
 * {@code /build}.
 */
final class BubblewrapCommand {

    /** What a fixed-output build needs to resolve and reach hosts. */
    private static final List<String> NETWORK_FILES = List.of("/etc/resolv.conf", "/etc/hosts", "/etc/services",
            "/etc/ssl", "/etc/ca-certificates", "/etc/nsswitch.conf");

    private BubblewrapCommand() {
    }

    static List<String> of(BuildRequest request, Path staging, Path hostBuildDirectory) throws IOException {
        BuildRequest.Sandbox sandbox = request.sandbox();
        String storeDir = request.derivation().storeDir().path();
        List<String> command = new ArrayList<>(List.of(sandbox.bwrap().toString(), "--unshare-all"));
        boolean network = request.derivation().isFixedOutput();
        if (network) {
            command.add("--share-net");
        }
        command.addAll(List.of("--die-with-parent", "--hostname", "localhost", "--proc", "/proc", "--dev", "/dev"));
        for (Path hostPath : sandbox.hostPaths()) {
            command.addAll(List.of("--ro-bind-try", hostPath.toString(), hostPath.toString()));
        }
        if (network) {
            for (String file : NETWORK_FILES) {
                command.addAll(List.of("--ro-bind-try", file, file));
            }
        }
        command.addAll(List.of("--bind", staging.toString(), storeDir));
        for (StorePath input : request.inputClosure()) {
            Path file = request.storeRoot().resolve(input.baseName());
            if (Files.isSymbolicLink(file)) {
                command.addAll(List.of("--symlink", Files.readSymbolicLink(file).toString(), input.toString()));
            } else if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                command.addAll(List.of("--ro-bind", file.toString(), input.toString()));
            } else {
                throw new IOException("input " + input + " is not in the store root " + request.storeRoot());
            }
        }
        command.addAll(List.of("--bind", hostBuildDirectory.toString(), NativeExecutor.SANDBOX_BUILD_DIRECTORY,
                "--chdir", NativeExecutor.SANDBOX_BUILD_DIRECTORY, "--"));
        return command;
    }
}
