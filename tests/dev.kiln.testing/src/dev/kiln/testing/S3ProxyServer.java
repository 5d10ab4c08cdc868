package dev.kiln.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;

/**
 * A real S3 server for tests: S3Proxy over a temporary directory (a sub-directory is a bucket), run as a process of
 * its own on 127.0.0.1 and a free port, with AWS v2/v4 signatures checked against {@link #ACCESS_KEY} and
 * {@link #SECRET_KEY}. One server is shared by the tests of a JVM and stopped when it exits.
 *
 * <p>Its class path is the file {@code tests/s3proxy/target/s3proxy.classpath} that the reactor's {@code
 * kiln-s3proxy} module writes (or the file {@code -Dkiln.s3proxy.classpath} names); without it the tests fail, saying
 * how to make it.
 */
public final class S3ProxyServer {

    public static final String ACCESS_KEY = "kiln-test";
    public static final String SECRET_KEY = "kiln-test-secret";

    private static final String CLASSPATH_FILE = "tests/s3proxy/target/s3proxy.classpath";
    private static final long START_SECONDS = 90;
    private static S3ProxyServer shared;

    private final Process process;
    private final Path directory;
    private final int port;

    private S3ProxyServer(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /** The JVM's server, started on first use; fails the calling test when it cannot start. */
    public static synchronized S3ProxyServer shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException e) {
                Assertions.fail("S3Proxy could not be started: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Assertions.fail("interrupted while S3Proxy started");
            }
            S3ProxyServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "kiln-s3proxy-stop"));
        }
        return shared;
    }

    /** Gives the AWS SDK this server's credentials through its standard system properties. */
    public static void useCredentials() {
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
    }

    /** Takes the credentials {@link #useCredentials()} gave away again. */
    public static void forgetCredentials() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    /** The server's URL, such as {@code http://127.0.0.1:40123}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Makes an empty bucket and returns its name. */
    public String createBucket(String name) {
        try {
            Files.createDirectories(directory.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return name;
    }

    /** The directory that holds the bucket's objects, to look at what the server keeps. */
    public Path bucketDirectory(String bucket) {
        return directory.resolve(bucket);
    }

    private static S3ProxyServer start() throws IOException, InterruptedException {
        Path classpathFile = classpathFile();
        String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).strip();
        Path directory = Files.createTempDirectory("kiln-s3proxy");
        Path data = Files.createDirectories(directory.resolve("data"));
        int port = freePort();
        Path properties = Files.writeString(directory.resolve("s3proxy.properties"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data) + "\n");
        Path logback = Files.writeString(directory.resolve("logback.xml"), """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d %level %logger{20} %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="out"/></root>
                </configuration>
                """);
        Path log = directory.resolve("s3proxy.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + logback, "-cp", classpath, "org.gaul.s3proxy.Main",
                "--properties", properties.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!listening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("it did not listen on 127.0.0.1:" + port + " within " + START_SECONDS
                        + " s; its output:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
        return new S3ProxyServer(process, data, port);
    }

    private static Path classpathFile() throws IOException {
        String property = System.getProperty("kiln.s3proxy.classpath");
        if (property != null) {
            return Path.of(property);
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve(CLASSPATH_FILE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IOException("no " + CLASSPATH_FILE + " above " + Path.of("").toAbsolutePath()
                + ": build it with ./mvnw -B -q verify -pl :kiln-s3proxy");
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(directory.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a temporary directory the system cleans up
        }
    }
}
