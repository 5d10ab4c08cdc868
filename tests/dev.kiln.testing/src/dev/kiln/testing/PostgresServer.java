package dev.kiln.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for tests, started from Debian's binaries ({@code /usr/lib/postgresql/<version>/bin},
 * or {@code $KILN_POSTGRES_BIN}) in a temporary directory, listening on 127.0.0.1 and a free port, with trust
 * authentication for the user {@value #USER}. As root, the server runs as the {@code postgres} user (initdb refuses
 * root). One server is shared by the tests of a JVM and stopped when it exits.
 *
 * <p>When the server cannot start, tests that need it fail, saying why, unless {@code KILN_SKIP_POSTGRES=1} is set:
 * then they are skipped, and the skip is announced on standard error.
 */
public final class PostgresServer {

    public static final String USER = "kiln";
    public static final String SKIP_VARIABLE = "KILN_SKIP_POSTGRES";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;
    private static String sharedFailure;
    private static boolean skipAnnounced;

    private final Path directory;
    private final Path binaries;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path directory, Path binaries, int port, boolean asPostgresUser) {
        this.directory = directory;
        this.binaries = binaries;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * The JVM's server, started on first use. Fails the calling test when it cannot start, or skips it loudly when
     * {@code KILN_SKIP_POSTGRES=1}.
     */
    public static synchronized PostgresServer shared() {
        if ("1".equals(System.getenv(SKIP_VARIABLE))) {
            if (!skipAnnounced) {
                skipAnnounced = true;
                System.err.println("""
                    ************************************************************************
                    * KILN_SKIP_POSTGRES=1: the PostgreSQL tests are SKIPPED, not passed.   *
                    ************************************************************************""");
            }
            Assumptions.abort(SKIP_VARIABLE + "=1: PostgreSQL tests skipped");
        }
        if (shared == null && sharedFailure == null) {
            try {
                shared = start();
                PostgresServer server = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "kiln-postgres-stop"));
            } catch (IOException | RuntimeException e) {
                sharedFailure = e.getMessage();
            }
        }
        if (shared == null) {
            Assertions.fail("PostgreSQL could not be started for the tests (install Debian's postgresql package, "
                    + "or set " + SKIP_VARIABLE + "=1 to skip these tests): " + sharedFailure);
        }
        return shared;
    }

    /** Starts a new server; {@link #stop()} it when done. */
    public static PostgresServer start() throws IOException {
        Path binaries = findBinaries();
        boolean root = isRoot();
        Path directory = Files.createTempDirectory("kiln-postgres-");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = directory.resolve("data");
        Path sockets = directory.resolve("sockets");
        Files.createDirectories(data);
        Files.createDirectories(sockets);
        if (root) {
            run(List.of("chown", "postgres:postgres", data.toString(), sockets.toString(), directory.toString()),
                    false, directory);
        }
        int port = freePort();
        PostgresServer server = new PostgresServer(directory, binaries, port, root);
        try {
            server.runTool(List.of(binaries.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
                    "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"));
            server.startAgain();
        } catch (IOException | RuntimeException e) {
            server.deleteFiles();
            throw e;
        }
        return server;
    }

    /** Starts the server stopped by {@link #stopFast()} or {@link #kill()}, on the same port and data. */
    public void startAgain() throws IOException {
        runTool(List.of(binaries.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-w", "-t",
                "60", "-l", directory.resolve("server.log").toString(),
                "-o", "-h 127.0.0.1 -p " + port + " -k " + directory.resolve("sockets")
                        + " -F -c fsync=off -c max_connections=200",
                "start"));
    }

    /** Stops the server as an operator restarting it does: open sessions are ended, then it shuts down cleanly. */
    public void stopFast() throws IOException {
        runTool(List.of(binaries.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(), "-m",
                "fast", "-w", "stop"));
    }

    /**
     * Kills the server's processes with SIGKILL, as a crash or the kernel's out-of-memory killer does; once started
     * again, it recovers from its write-ahead log.
     */
    public void kill() throws IOException {
        Path pidFile = directory.resolve("data/postmaster.pid");
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid)
                .orElseThrow(() -> new IOException("no PostgreSQL server runs as process " + pid));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(postmaster);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while killing PostgreSQL", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("PostgreSQL's process " + process.pid() + " did not die", e);
            }
        }
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String createDatabase() {
        String name = "kiln_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection connection = connect(jdbcUrl("postgres")); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the database " + name + ": " + e.getMessage(), e);
        }
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    /** Stops the server and deletes its files. */
    public void stop() {
        try {
            runTool(List.of(binaries.resolve("pg_ctl").toString(), "-D", directory.resolve("data").toString(),
                    "-m", "fast", "-w", "stop"));
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not stop the test PostgreSQL server in " + directory + ": " + e.getMessage());
        }
        deleteFiles();
    }

    private void deleteFiles() {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection as {@value #USER}, through the PostgreSQL driver directly (no DriverManager in OSGi). */
    public static Connection connect(String url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        return new org.postgresql.Driver().connect(url, properties);
    }

    private void runTool(List<String> command) throws IOException {
        run(command, asPostgresUser, directory);
    }

    private static void run(List<String> command, boolean asPostgresUser, Path directory) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("kiln-postgres-tool-", ".log");
        try {
            Process process = new ProcessBuilder(full).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", full));
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", full) + " exited with " + process.exitValue() + ": "
                        + Files.readString(output, StandardCharsets.UTF_8).strip()
                        + serverLog(directory));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", full), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String serverLog(Path directory) throws IOException {
        Path log = directory.resolve("server.log");
        return Files.exists(log) ? "\nserver log:\n" + Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static Path findBinaries() throws IOException {
        String configured = System.getenv("KILN_POSTGRES_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IOException("no PostgreSQL binaries in " + root + " (set KILN_POSTGRES_BIN)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(dir -> Files.isExecutable(dir.resolve("bin/pg_ctl")))
                    .max(Comparator.comparingInt(PostgresServer::majorVersion))
                    .map(dir -> dir.resolve("bin"))
                    .orElseThrow(() -> new IOException("no PostgreSQL binaries under " + root));
        }
    }

    private static int majorVersion(Path directory) {
        try {
            return Integer.parseInt(directory.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
