package dev.kiln.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.store.StoreDir;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real Nix (Debian's {@code nix-bin}, 2.8) as the reference for
 * conformance tests, offline and without touching {@code /nix}: a private
 * configuration (no sandbox, no build users, no substituters), no daemon,
 * and a fresh cache directory per instance. Stores live under the
 * instance's directory, either chrooted ({@link #chrootStore(StoreDir)}) or
 * with the test directory itself as the store directory
 * ({@link #directoryStore()}).
 * <p>
 * Without Nix, {@link #require(Path)} fails the test with an explanation,
 * unless {@code KILN_SKIP_NIX=1} is set, which skips it instead.
 */
public final class RealNix {

    /** The programs the conformance tests run. */
    private static final List<String> PROGRAMS = List.of("nix-instantiate", "nix-build", "nix-store", "nix-hash", "nix");

    private final Path directory;
    private final Path binDirectory;
    private final Path configDirectory;

    private RealNix(Path directory, Path binDirectory) throws IOException {
        this.directory = directory;
        this.binDirectory = binDirectory;
        this.configDirectory = Files.createDirectories(directory.resolve("nix-conf"));
        Files.writeString(configDirectory.resolve("nix.conf"), """
                sandbox = false
                build-users-group =
                substituters =
                experimental-features = nix-command
                """);
        Files.createDirectories(directory.resolve("home"));
        Files.createDirectories(directory.resolve("cache"));
    }

    /**
     * Finds Nix or stops the test.
     *
     * @param directory an empty directory for the stores, configuration and caches
     * @return the runner
     * @throws IOException if the directory cannot be prepared
     */
    public static RealNix require(Path directory) throws IOException {
        Path bin = findBinDirectory();
        if (bin == null) {
            String message = "Nix is not installed: the conformance tests need nix-instantiate, nix-build, nix-store, nix-hash and nix"
                    + " on the PATH (Debian: apt-get install nix-bin). Set KILN_SKIP_NIX=1 to skip these tests.";
            if ("1".equals(System.getenv("KILN_SKIP_NIX"))) {
                Assumptions.abort(message);
            }
            fail(message);
        }
        return new RealNix(directory, bin);
    }

    private static Path findBinDirectory() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry);
            if (PROGRAMS.stream().allMatch(program -> Files.isExecutable(candidate.resolve(program)))) {
                return candidate;
            }
        }
        return null;
    }

    /** @return the directory this instance keeps its stores in */
    public Path directory() {
        return directory;
    }

    /**
     * A local store whose files live under this instance's directory while
     * its paths say {@code storeDir}, such as {@code /nix/store} or
     * {@code /gnu/store}.
     *
     * @param storeDir the store directory its paths name
     * @return the store URI for {@code --store}
     */
    public String chrootStore(StoreDir storeDir) {
        return "local?root=" + chrootRoot(storeDir) + "&store=" + storeDir.path();
    }

    /**
     * @param storeDir a store directory used with {@link #chrootStore(StoreDir)}
     * @return where that store's paths really are: Nix 2.8 keeps them in
     *         {@code <root>/nix/store} whatever the store directory
     */
    public Path chrootStoreFiles(StoreDir storeDir) {
        return Path.of(chrootRoot(storeDir), "nix", "store");
    }

    private String chrootRoot(StoreDir storeDir) {
        return directory.resolve("root" + storeDir.path().replace('/', '-')).toString();
    }

    /**
     * A local store named {@code name} under this instance's directory whose paths say {@code /nix/store}.
     *
     * @return the store URI for {@code --store}
     */
    public String store(String name) {
        return "local?root=" + directory.resolve(name);
    }

    /** @return where the paths of {@link #store(String)} really are */
    public Path storeFiles(String name) {
        return directory.resolve(name).resolve("nix/store");
    }

    /**
     * Instantiates an expression into a store.
     *
     * @return the {@code .drv} paths, one for each derivation the expression's value holds
     */
    public List<String> instantiate(String store, String expression) throws IOException {
        Path file = Files.writeString(Files.createTempFile(directory, "expr", ".nix"), expression);
        return run("nix-instantiate", "--store", store, file.toString()).lines().toList();
    }

    /** @return a store directory inside this instance's directory, paths and files alike */
    public StoreDir directoryStoreDir() {
        return new StoreDir(directory.toAbsolutePath().resolve("store").toString());
    }

    /** @return the store URI of {@link #directoryStoreDir()} */
    public String directoryStore() {
        Path state = directory.toAbsolutePath().resolve("state");
        return "local?store=" + directoryStoreDir().path() + "&state=" + state + "&log=" + state.resolve("log");
    }

    /**
     * Runs a Nix program and requires it to succeed.
     *
     * @param arguments the program and its arguments
     * @return its standard output
     * @throws IOException if it cannot be started, or fails (the message has its standard error)
     */
    public String run(String... arguments) throws IOException {
        Result result = runAllowingFailure(arguments);
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", arguments) + " failed with exit code " + result.exitCode() + ":\n" + result.stderr());
        }
        return result.stdout();
    }

    /**
     * Runs a Nix program's output into a file.
     *
     * @param output    the file for its standard output
     * @param arguments the program and its arguments
     * @throws IOException if it cannot be started or fails
     */
    public void runToFile(Path output, String... arguments) throws IOException {
        ProcessBuilder builder = processBuilder(arguments).redirectOutput(output.toFile());
        Path errors = Files.createTempFile(directory, "stderr", ".txt");
        builder.redirectError(errors.toFile());
        int exitCode = waitFor(builder.start(), arguments);
        if (exitCode != 0) {
            throw new IOException(String.join(" ", arguments) + " failed with exit code " + exitCode + ":\n" + Files.readString(errors));
        }
    }

    /**
     * The outcome of a Nix program.
     *
     * @param exitCode its exit code
     * @param stdout   its standard output
     * @param stderr   its standard error
     */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs a Nix program that may fail.
     *
     * @param arguments the program and its arguments
     * @return its exit code and output
     * @throws IOException if it cannot be started
     */
    public Result runAllowingFailure(String... arguments) throws IOException {
        Path stdout = Files.createTempFile(directory, "stdout", ".txt");
        Path stderr = Files.createTempFile(directory, "stderr", ".txt");
        ProcessBuilder builder = processBuilder(arguments).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        int exitCode = waitFor(builder.start(), arguments);
        return new Result(exitCode, Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /**
     * The environment under which Nix runs offline with this instance's configuration, for programs that run Nix
     * themselves (an evaluation command, an agent's Nix executor): every variable to set, and {@code NIX_*} others
     * to remove.
     */
    public Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("NIX_CONF_DIR", configDirectory.toString());
        environment.put("NIX_REMOTE", "");
        environment.put("NIX_PATH", "");
        environment.put("HOME", directory.resolve("home").toString());
        environment.put("XDG_CACHE_HOME", directory.resolve("cache").toString());
        environment.put("XDG_CONFIG_HOME", directory.resolve("home").toString());
        environment.put("XDG_DATA_HOME", directory.resolve("home").toString());
        environment.put("LANG", "C.UTF-8");
        environment.put("PATH", binDirectory + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/bin");
        return environment;
    }

    private ProcessBuilder processBuilder(String... arguments) {
        List<String> command = new ArrayList<>(List.of(arguments));
        command.set(0, binDirectory.resolve(arguments[0]).toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NIX_"));
        builder.environment().putAll(environment());
        // A fresh cache each run: Nix remembers narinfos, misses and its own uploads included.
        builder.environment().put("XDG_CACHE_HOME", freshDirectory("cache").toString());
        return builder;
    }

    private Path freshDirectory(String prefix) {
        try {
            return Files.createTempDirectory(directory, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int waitFor(Process process, String... arguments) throws IOException {
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", arguments) + " did not finish within 120 seconds");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + arguments[0], e);
        }
    }
}
