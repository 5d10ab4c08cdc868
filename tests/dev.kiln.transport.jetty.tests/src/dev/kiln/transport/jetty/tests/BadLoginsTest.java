package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.protocol.AgentPassword;

/**
 * A flood of wrong agent passwords from one address, for a real agent's id and for made-up ones: after a few, they are
 * answered 429 without being checked, and the real agent, on the same address, is answered all along, about as fast
 * as before the flood.
 */
class BadLoginsTest {

    private static final int FLOODERS = 4;
    private static final int MAX_BAD_LOGINS = 3_000;
    private static final long FLOOD_SECONDS = 20;
    private static final int GOOD_FETCHES = 200;
    /**
     * What the flood may add to the good agent's 99th percentile beyond doubling it: on a machine whose cores other
     * processes share, a fetch answered in a millisecond now and then waits tens for the scheduler, flood or not.
     */
    private static final long P99_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @TempDir
    Path temporary;

    @Test
    void aFloodOfBadLoginsIsThrottledAndAGoodAgentIsAnsweredThroughIt() throws Exception {
        try (TestCoordinator coordinator = new TestCoordinator(temporary, 1024 * 1024);
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            AgentPassword good = coordinator.newAgent("good", "x86_64-linux");
            assertEquals(200, fetch(coordinator, good).statusCode(), "the good agent logs in before the flood");
            List<Long> quiet = new ArrayList<>();
            List<Integer> quietAnswers = new ArrayList<>();
            for (int i = 0; i < GOOD_FETCHES; i++) {
                quiet.add(timedFetch(coordinator, good, quietAnswers));
            }
            assertEquals(GOOD_FETCHES, quietAnswers.stream().filter(status -> status == 200).count(), "quiet: all 200");

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger checkedAndRefused = new AtomicInteger();
            AtomicInteger throttled = new AtomicInteger();
            ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
            List<Future<?>> flood = new ArrayList<>();
            for (int i = 0; i < FLOODERS; i++) {
                flood.add(threads.submit(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FLOOD_SECONDS);
                    while (!stop.get() && System.nanoTime() < deadline && sent.incrementAndGet() <= MAX_BAD_LOGINS) {
                        UUID id = sent.get() % 2 == 0 ? good.id() : UUID.randomUUID();
                        HttpResponse<String> answer = fetch(coordinator, new AgentPassword(id, "wrong-" + sent.get()));
                        if (answer.statusCode() == 401) {
                            checkedAndRefused.incrementAndGet();
                        } else if (answer.statusCode() == 429
                                && answer.headers().firstValue("Retry-After").orElse("").matches("[1-9][0-9]*")
                                && answer.body().startsWith("{\"error\":\"too many requests\"")) {
                            throttled.incrementAndGet();
                        } else {
                            unexpected.add(answer.statusCode() + " " + answer.headers().map() + " " + answer.body());
                        }
                    }
                    return null;
                }));
            }
            List<Integer> goodAnswers = new ArrayList<>();
            List<Long> flooded = new ArrayList<>();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FLOOD_SECONDS);
                for (int i = 1; i <= GOOD_FETCHES; i++) {
                    // Spread over the flood: each fetch after another share of the bad logins.
                    while (sent.get() < i * (MAX_BAD_LOGINS / GOOD_FETCHES) && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    flooded.add(timedFetch(coordinator, good, goodAnswers));
                }
            } finally {
                stop.set(true);
                for (Future<?> flooder : flood) {
                    flooder.get(FLOOD_SECONDS + 30, TimeUnit.SECONDS);
                }
            }
            assertTrue(unexpected.isEmpty(), unexpected.toString());
            assertEquals(GOOD_FETCHES, goodAnswers.stream().filter(status -> status == 200).count(),
                    "the good agent was answered through the flood: " + goodAnswers);
            int total = checkedAndRefused.get() + throttled.get();
            assertTrue(total >= 100, "the flood was a flood: " + total + " bad logins");
            assertTrue(checkedAndRefused.get() <= 40 && checkedAndRefused.get() * 10 < total,
                    checkedAndRefused.get() + " of " + total + " bad logins had their password checked");
            long quietP99 = p99(quiet);
            long floodedP99 = p99(flooded);
            System.out.printf("Good agent's fetch p99: %.2f ms quiet, %.2f ms during %d bad logins%n",
                    quietP99 / 1e6, floodedP99 / 1e6, total);
            assertTrue(floodedP99 <= 2 * quietP99 + P99_SLACK_NANOS, String.format(
                    "fetch p99 %.2f ms during the flood against %.2f ms quiet", floodedP99 / 1e6, quietP99 / 1e6));
        }
    }

    /** Fetches as the agent, adds the status to {@code statuses}, and returns how long the answer took. */
    private static long timedFetch(TestCoordinator coordinator, AgentPassword agent, List<Integer> statuses)
            throws Exception {
        long started = System.nanoTime();
        statuses.add(fetch(coordinator, agent).statusCode());
        return System.nanoTime() - started;
    }

    private static long p99(List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }

    private static HttpResponse<String> fetch(TestCoordinator coordinator, AgentPassword agent) throws Exception {
        return coordinator.send(HttpRequest.newBuilder(coordinator.agent("/agent/v1/fetch"))
                .header("Authorization", TestCoordinator.basic(agent))
                .POST(HttpRequest.BodyPublishers.ofString("{\"systems\":[\"x86_64-linux\"],\"freeSlots\":1}")).build());
    }
}
