package dev.kiln.execution.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.derivation.Derivation;

/**
 * The environment a builder gets, in the order Nix builds it ({@code DerivationGoal::initEnv}): Nix's defaults,
 * then the derivation's variables (which may override them), then the build directory variables, which may not.
 * Variables named in {@code passAsFile} are written to {@code .attr-<nix-base32 sha256 of the name>} files in the
 * build directory, and {@code <name>Path} points at them.
 */
final class BuildEnvironment {

    private BuildEnvironment() {
    }

    /**
     * @param derivation          the derivation
     * @param hostBuildDirectory  the build directory as this process sees it, where the passAsFile files go
     * @param buildDirectory      the build directory as the builder sees it
     * @param cores               the value of {@code NIX_BUILD_CORES}
     * @return the variables, in the order they were set
     * @throws IOException if a passAsFile file cannot be written
     */
    static Map<String, String> of(Derivation derivation, Path hostBuildDirectory, String buildDirectory, int cores)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/path-not-set");
        env.put("HOME", "/homeless-shelter");
        env.put("NIX_STORE", derivation.storeDir().path());
        env.put("NIX_BUILD_CORES", Integer.toString(cores));
        Set<String> passAsFile = Arrays.stream(derivation.env().getOrDefault("passAsFile", "").split("[ \t\n\r]+"))
                .filter(name -> !name.isEmpty())
                .collect(Collectors.toSet());
        for (Map.Entry<String, String> variable : derivation.env().entrySet()) {
            if (passAsFile.contains(variable.getKey())) {
                String fileName = ".attr-" + Hash.of(HashAlgorithm.SHA256, variable.getKey()).toBase32();
                Files.writeString(hostBuildDirectory.resolve(fileName), variable.getValue(), StandardCharsets.UTF_8);
                env.put(variable.getKey() + "Path", buildDirectory + "/" + fileName);
            } else {
                env.put(variable.getKey(), variable.getValue());
            }
        }
        for (String name : new String[] {"NIX_BUILD_TOP", "TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD"}) {
            env.put(name, buildDirectory);
        }
        if (derivation.isFixedOutput()) {
            // Fixed-output builds may fetch from the network, so they may see the proxy settings they name.
            for (String name : derivation.env().getOrDefault("impureEnvVars", "").split("[ \t\n\r]+")) {
                String value = name.isEmpty() ? null : System.getenv(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
        }
        env.put("NIX_LOG_FD", "2");
        env.put("TERM", "xterm-256color");
        return env;
    }
}
