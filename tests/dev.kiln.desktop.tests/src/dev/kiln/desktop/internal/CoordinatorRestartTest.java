package dev.kiln.desktop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.client.EventStream;
import dev.kiln.client.KilnClient;
import dev.kiln.desktop.model.ClientConnection;
import dev.kiln.desktop.model.views.ConnectionState;
import dev.kiln.desktop.model.views.ConnectionSupervisor;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.VirtualThreadScheduler;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.EventType;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.retry.Backoff;
import dev.kiln.testing.Services;

/**
 * What a restart of a real coordinator's HTTP server (Derby, Jetty, configured through Configuration Admin) does to
 * its clients: the client's event stream opens again and resumes after the last event it passed on, losing none of
 * those committed while it was away; the desktop's connection supervisor says the coordinator is down, then connects
 * again by itself, and its models show what changed meanwhile.
 */
class CoordinatorRestartTest {

    private static final Duration TIMEOUT = Services.TIMEOUT;
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));

    @TempDir
    static Path temporary;

    private static ConfiguredCoordinator farm;
    private static URI coordinator;

    @BeforeAll
    static void startCoordinator() throws IOException {
        farm = new ConfiguredCoordinator(temporary.resolve("state"), Map.of());
        coordinator = farm.clientApi();
    }

    @AfterAll
    static void stopCoordinator() throws IOException {
        farm.close();
    }

    @Test
    void theEventStreamResumesAfterARestartWithNothingLostOrRepeated() throws Exception {
        KilnClient client = new KilnClient(coordinator);
        BlockingQueue<EventInfo> events = new LinkedBlockingQueue<>();
        BlockingQueue<String> changes = new LinkedBlockingQueue<>();
        CountDownLatch backUp = new CountDownLatch(1);
        EventStream.Listener listener = new EventStream.Listener() {
            @Override
            public void onEvent(EventInfo event) {
                events.add(event);
            }

            @Override
            public void onConnected() {
                changes.add("connected");
            }

            @Override
            public void onDisconnected(IOException cause, Duration retryIn) {
                changes.add("disconnected");
                try {
                    // Holds the stream away until the test has made an event it can only get by resuming.
                    backUp.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (EventStream stream = client.events(-1, RETRY, listener)) {
            assertEquals("connected", changes.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            UUID before = createAgent(client, "before-restart");
            EventInfo seen = nextAgentCreated(events);
            assertEquals(before, seen.agent());

            farm.stopHttp();
            assertEquals("disconnected", changes.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            farm.startHttp();
            UUID whileAway = createAgent(client, "while-the-stream-is-away");
            backUp.countDown();
            assertEquals("connected", changes.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            UUID after = createAgent(client, "after-restart");

            EventInfo resumed = nextAgentCreated(events);
            assertEquals(whileAway, resumed.agent(), "the event committed while the stream was away comes first");
            EventInfo next = nextAgentCreated(events);
            assertEquals(after, next.agent());
            assertTrue(seen.id() < resumed.id() && resumed.id() < next.id(), "each event once, in order");
            assertEquals(next.id(), stream.lastEventId());
        }
    }

    @Test
    void theSupervisorSaysTheCoordinatorIsDownAndConnectsAgainByItselfWhenItIsBack() throws Exception {
        try (VirtualThreadScheduler scheduler = new VirtualThreadScheduler();
                FarmSession session = new FarmSession(new ClientConnection(coordinator, ""), scheduler, RETRY)) {
            ConnectionSupervisor supervisor = session.supervisor();
            session.start();
            await("connected", () -> supervisor.status().state() == ConnectionState.CONNECTED);

            farm.stopHttp();
            await("the coordinator is down, with the time of the next attempt",
                    () -> supervisor.status().state() == ConnectionState.COORDINATOR_DOWN
                            && supervisor.status().nextRetry() != null);
            assertTrue(supervisor.status().detail().contains(coordinator.toString()), supervisor.status().detail());

            farm.startHttp();
            UUID agent = createAgent(new KilnClient(coordinator), "made-while-the-session-reconnects");
            await("connected again, showing what changed meanwhile",
                    () -> supervisor.status().state() == ConnectionState.CONNECTED
                            && session.agents().agents().stream().anyMatch(a -> a.id().equals(agent)));
        }
    }

    private static UUID createAgent(KilnClient client, String name) throws IOException {
        return client.createAgent(new NewAgentBody(name, "", List.of("x86_64-linux"), Map.of())).id();
    }

    /** The next {@code agent-created} event, the only events these tests make besides those of their own. */
    private static EventInfo nextAgentCreated(BlockingQueue<EventInfo> events) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            EventInfo event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event != null && event.type() == EventType.AGENT_CREATED) {
                return event;
            }
        }
        throw new AssertionError("no agent-created event within " + TIMEOUT.toSeconds() + " s");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within " + TIMEOUT.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
