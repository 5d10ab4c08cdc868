package dev.kiln.agent.internal;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.client.CoordinatorUnreachableException;
import dev.kiln.client.KilnClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln-agent}: connects to a coordinator and keeps trying, with back-off, while it cannot. */
@Command(name = "kiln-agent", mixinStandardHelpOptions = true,
        description = "A Kiln build agent: fetches builds from a coordinator, builds them and uploads the outputs.")
final class AgentCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Option(names = "--coordinator", paramLabel = "URL", defaultValue = "http://127.0.0.1:8745",
            description = "The coordinator's agent API (default: ${DEFAULT-VALUE}).")
    URI coordinator;

    @Option(names = "--retry-initial", paramLabel = "MILLIS", defaultValue = "1000", hidden = true)
    long retryInitialMillis;

    @Option(names = "--retry-max", paramLabel = "MILLIS", defaultValue = "60000", hidden = true)
    long retryMaxMillis;

    @Override
    public Integer call() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(this::stop));
        KilnClient client = new KilnClient(coordinator);
        Backoff backoff = new Backoff(Duration.ofMillis(retryInitialMillis), Duration.ofMillis(retryMaxMillis));
        boolean connected = false;
        while (stopped.getCount() > 0) {
            Duration wait;
            try {
                client.checkHealth();
                if (!connected) {
                    LOG.info("Connected to the coordinator at {}", coordinator);
                    connected = true;
                }
                backoff.reset();
                wait = HEARTBEAT;
            } catch (CoordinatorUnreachableException e) {
                connected = false;
                wait = backoff.nextDelay();
                LOG.warn("Cannot reach the coordinator at {} ({}); retrying in {} ms", coordinator,
                        e.getCause() == null ? e.getMessage() : e.getCause().getClass().getSimpleName(), wait.toMillis());
            }
            if (stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        return 0;
    }

    void stop() {
        stopped.countDown();
    }
}
