package dev.kiln.cli.internal;

import static dev.kiln.cli.internal.RunningCoordinator.TIMEOUT_SECONDS;
import static dev.kiln.cli.internal.RunningCoordinator.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kiln.cli.internal.RunningCoordinator.Run;
import dev.kiln.client.KilnAgentClient;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.StateDirectories;

/**
 * What is live: the event stream ({@code GET /api/v1/events}) delivers build events as they happen and resumes after a
 * reconnect with {@code Last-Event-ID}, nothing lost nor repeated; {@code kiln build log ID --follow} prints a log
 * while the agent API appends to it, and ends when the build ends.
 */
class EventStreamTest {

    private static final Path temporary = StateDirectories.create("kiln-event-stream-");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static RealNix nix;
    private static RunningCoordinator coordinator;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        nix = RealNix.require(Files.createDirectories(temporary.resolve("nix")));
        coordinator = new RunningCoordinator(temporary.resolve("state"));
        url = coordinator.clientApi().toString();
    }

    @AfterAll
    static void stop() throws Exception {
        RunningCoordinator.stop(coordinator, temporary);
    }

    @Test
    void eventsArriveLiveAndResumeAfterAReconnectWithNothingLostOrRepeated() throws Exception {
        String system = "kiln-test-events";
        KilnAgentClient agent = coordinator.agent(system);
        Path drv = derivation("events", system);
        long resumeAfter;
        String first;
        try (EventStream stream = EventStream.open(url, null)) {
            first = submit(drv);
            assertEquals(List.of("build-submitted " + first), stream.next(1));
            agent.started(RunningCoordinator.fetch(agent, system, first));
            List<EventInfo> started = stream.nextEvents(2);
            assertEquals(List.of("build-allocated " + first, "build-started " + first),
                    started.stream().map(EventStreamTest::describe).toList());
            resumeAfter = started.get(1).id();
        }

        // While no one listens.
        String second = submit(drv);
        agent.failed(UUID.fromString(first));
        assertEquals(0, kiln("build", "cancel", second, "--coordinator", url).exit());

        try (EventStream resumed = EventStream.open(url, resumeAfter)) {
            List<EventInfo> missed = resumed.nextEvents(3);
            assertEquals(List.of("build-submitted " + second, "build-failure " + first, "build-canceled " + second),
                    missed.stream().map(EventStreamTest::describe).toList());
            long previous = resumeAfter;
            for (EventInfo event : missed) {
                assertTrue(event.id() > previous, "ids grow, none is sent twice: " + missed);
                previous = event.id();
            }
            String third = submit(drv);
            List<EventInfo> live = resumed.nextEvents(1);
            assertEquals("build-submitted " + third, describe(live.get(0)));
            assertTrue(live.get(0).id() > previous);
            assertEquals(0, kiln("build", "cancel", third, "--coordinator", url).exit());
            assertEquals("build-canceled " + third, describe(resumed.nextEvents(1).get(0)));
            resumed.assertNothingMore();
        }
    }

    @Test
    void followingALogPrintsItLiveAndEndsWithTheBuild() throws Exception {
        String system = "kiln-test-log";
        KilnAgentClient agent = coordinator.agent(system);
        String id = submit(derivation("followed", system));
        agent.started(RunningCoordinator.fetch(agent, system, id));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> following = CompletableFuture.supplyAsync(
                () -> new KilnCommandLine(RunningCoordinator.BUNDLES, new PrintWriter(out, true), new PrintWriter(err, true))
                        .run("build", "log", id, "--follow", "--coordinator", url),
                task -> Thread.ofPlatform().name("kiln-log-follow").start(task));
        try {
            appendLog(agent, id, "first line\n");
            await("the first line is printed", () -> out.toString().contains("first line\n"));
            appendLog(agent, id, "second line\n");
            await("the second line is printed", () -> out.toString().contains("second line\n"));
            assertFalse(following.isDone(), "the log is followed while the build runs: " + err);

            appendLog(agent, id, "last line\n");
            agent.failed(UUID.fromString(id));
            assertEquals(0, following.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), err.toString());
            assertTrue(out.toString().matches("=== kiln: attempt 1 on agent kiln-test-log at \\S+ ===\n"
                    + "first line\nsecond line\nlast line\n"), out.toString());
            await("the failed build counted and timed in /metrics", () -> {
                String metrics = metrics();
                return metrics.contains("kiln_builds_finished_total{system=\"kiln-test-log\",outcome=\"failed\"} 1\n")
                        && metrics.lines().anyMatch(line -> line.startsWith(
                                "kiln_build_duration_seconds_count{outcome=\"failed\"} "));
            });
        } finally {
            following.cancel(true);
        }
    }

    private static String metrics() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A derivation file for the system, beside its closure. */
    private static Path derivation(String name, String system) throws Exception {
        String drv = nix.instantiate(nix.store("source"), "[ (derivation { name = \"" + name + "\"; system = \""
                + system + "\"; builder = \"/bin/sh\"; args = [ \"-c\" \"echo > $out\" ]; }) ]").get(0);
        return nix.storeFiles("source").resolve(drv.substring("/nix/store/".length()));
    }

    private static String submit(Path drv) {
        Run submitted = kiln("build", "submit", drv.toString(), "--coordinator", url, "--json");
        assertEquals(0, submitted.exit(), submitted.err());
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(submitted.out());
        assertTrue(id.find(), submitted.out());
        return id.group(1);
    }

    private static void appendLog(KilnAgentClient agent, String id, String text) throws Exception {
        agent.appendLog(UUID.fromString(id), new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + TIMEOUT_SECONDS + " s");
            }
            Thread.sleep(20);
        }
    }

    private static String describe(EventInfo event) {
        return event.type() + " " + event.build();
    }

    /** One connection to the event stream, read by a thread of its own into a queue of events. */
    private static final class EventStream implements AutoCloseable {

        private final BlockingQueue<EventInfo> events = new LinkedBlockingQueue<>();
        private final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final InputStream body;
        private final Thread reader;

        private EventStream(InputStream body) {
            this.body = body;
            this.reader = Thread.ofPlatform().name("kiln-event-stream").start(this::read);
        }

        static EventStream open(String url, Long lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/api/v1/events"))
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", Long.toString(lastEventId));
            }
            HttpResponse<InputStream> response = HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(""));
            return new EventStream(response.body());
        }

        /** Frames: {@code id:}, {@code event:} and {@code data:} lines, ended by an empty line; comments skipped. */
        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String id = null;
                String type = null;
                String data = null;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        type = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data = line.substring(6);
                    } else if (line.isEmpty() && data != null) {
                        EventInfo event = ProtocolJson.read(data.getBytes(StandardCharsets.UTF_8), EventInfo.class);
                        if (!Long.toString(event.id()).equals(id) || !event.type().toString().equals(type)) {
                            problems.add("the frame's id " + id + " and type " + type + " are not its event's: " + data);
                        }
                        events.add(event);
                        id = null;
                        type = null;
                        data = null;
                    }
                }
            } catch (dev.kiln.protocol.MalformedJsonException e) {
                problems.add("a frame's data is not an event: " + e.getMessage());
            } catch (java.io.IOException e) {
                // The test closed the stream.
            } catch (RuntimeException e) {
                problems.add("a frame does not parse: " + e);
            }
        }

        List<String> next(int count) throws InterruptedException {
            return nextEvents(count).stream().map(EventStreamTest::describe).toList();
        }

        List<EventInfo> nextEvents(int count) throws InterruptedException {
            List<EventInfo> received = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (received.size() < count) {
                EventInfo event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (event == null) {
                    throw new AssertionError("only " + received + " of " + count + " events within " + TIMEOUT_SECONDS + " s");
                }
                received.add(event);
            }
            assertEquals(List.of(), problems);
            return received;
        }

        /** No other event was delivered: the build events asked for are all there were. */
        void assertNothingMore() {
            assertEquals(List.of(), List.copyOf(events));
        }

        @Override
        public void close() throws Exception {
            body.close();
            reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        }
    }
}
