package dev.kiln.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.kiln.transport.jetty.HttpEndpoints;

/** The client commands against a real coordinator started by {@code kiln coordinator} in the test framework. */
class ClientCommandsTest {

    private static final long TIMEOUT_SECONDS = 60;
    private static final BundleContext BUNDLES = FrameworkUtil.getBundle(ClientCommandsTest.class).getBundleContext();

    @TempDir
    static Path temporary;

    private static KilnCommandLine coordinator;
    private static CompletableFuture<Integer> running;
    private static String url;

    @BeforeAll
    static void startCoordinator() throws Exception {
        coordinator = new KilnCommandLine(BUNDLES, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        running = CompletableFuture.supplyAsync(() -> coordinator.run("coordinator", "--state-dir",
                temporary.resolve("state").toString(), "--client-listen", "127.0.0.1:0", "--agent-listen", "127.0.0.1:0"));
        ServiceTracker<HttpEndpoints, HttpEndpoints> tracker = new ServiceTracker<>(BUNDLES, HttpEndpoints.class, null);
        tracker.open();
        HttpEndpoints endpoints = tracker.waitForService(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        tracker.close();
        assertTrue(endpoints != null, "the coordinator did not come up");
        url = endpoints.clientApi().toString();
    }

    @AfterAll
    static void stopCoordinator() throws Exception {
        coordinator.stop();
        running.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run kiln(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new KilnCommandLine(BUNDLES, new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void agentsAreCreatedListedGivenPasswordsAndDeactivated() {
        Run created = kiln("agent", "new", "--coordinator", url, "--name", "builder-1", "--system", "x86_64-linux",
                "--tag", "fast=yes", "--json");
        assertEquals(0, created.exit(), created.err());
        assertTrue(created.out().matches("\\{\"id\":\"[0-9a-f-]{36}\",\"password\":\"[^\"]+\"}\\s*"), created.out());
        String id = created.out().substring(7, 43);

        Run listed = kiln("agent", "list", "--coordinator", url);
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().contains(id) && listed.out().contains("builder-1"), listed.out());

        Run password = kiln("agent", "password", id, "--coordinator", url);
        assertEquals(0, password.exit(), password.err());
        assertTrue(password.out().contains("password: "), password.out());

        Run deactivated = kiln("agent", "deactivate", id, "--coordinator", url, "--json");
        assertEquals(0, deactivated.exit(), deactivated.err());
        assertTrue(deactivated.out().contains("\"active\":false"), deactivated.out());
    }

    @Test
    void errorsAreOneLineAndANonZeroExit() {
        Run unknown = kiln("build", "show", "00000000-0000-0000-0000-000000000000", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, unknown.exit());
        assertEquals(1, unknown.err().lines().count(), unknown.err());
        assertTrue(unknown.err().startsWith("kiln: not found: "), unknown.err());

        Run unreachable = kiln("build", "list", "--coordinator", "http://127.0.0.1:1");
        assertEquals(KilnCommandLine.EXIT_UNREACHABLE, unreachable.exit(), unreachable.err());
        assertTrue(unreachable.err().startsWith("kiln: coordinator http://127.0.0.1:1 is unreachable"), unreachable.err());
    }

    @Test
    void buildsAreListedAsJsonAndTheCacheKeyIsPrinted() throws Exception {
        Run list = kiln("build", "list", "--coordinator", url, "--state", "scheduled", "--json");
        assertEquals(0, list.exit(), list.err());
        assertEquals("[]", list.out().strip());

        Run key = kiln("cache", "public-key", "--coordinator", url);
        assertEquals(0, key.exit(), key.err());
        assertEquals(Files.readString(temporary.resolve("state/keys/signing.public")).strip(), key.out().strip());

        Run token = kiln("token", "new", "--coordinator", url, "--state-dir", temporary.resolve("state").toString());
        assertEquals(0, token.exit(), token.err());
        assertTrue(token.out().startsWith("kiln_"), token.out());
    }

    @Test
    void storeCommandsHashAndCheck() throws Exception {
        Path file = Files.writeString(temporary.resolve("hello.txt"), "hello\n");
        Run hash = kiln("store", "hash", file.toString());
        assertEquals(0, hash.exit(), hash.err());
        assertTrue(hash.out().strip().matches("sha256:[0-9a-z]{52}"), hash.out());

        Path bad = Files.writeString(temporary.resolve("00000000000000000000000000000000-bad.drv"), "Derive(nonsense");
        Run check = kiln("store", "check-derivation", bad.toString());
        assertEquals(KilnCommandLine.EXIT_FAILURE, check.exit());
        assertTrue(check.err().startsWith("kiln: " + bad), check.err());

        Run key = kiln("store", "generate-key", "test-key-1", "--directory", temporary.toString());
        assertEquals(0, key.exit(), key.err());
        assertTrue(key.out().startsWith("test-key-1:"), key.out());
        assertTrue(Files.exists(temporary.resolve("test-key-1.secret")));
    }
}
