package dev.kiln.agent.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.protocol.SetupFailureKind;
import dev.kiln.retry.Backoff;

/**
 * Retries the requests that a build cannot do without (derivations, start, results) with back-off, a bounded
 * number of times, so that a coordinator restart does not lose a finished build. Fetch, status, log and upload
 * requests pass through: their callers retry in their own way.
 */
final class RetryingConnection implements CoordinatorConnection {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingConnection.class);

    private interface Call<T> {
        T call() throws IOException;
    }

    private final CoordinatorConnection next;
    private final Duration firstDelay;
    private final int attempts;

    RetryingConnection(CoordinatorConnection next, Duration firstDelay, int attempts) {
        this.next = next;
        this.firstDelay = firstDelay;
        this.attempts = attempts;
    }

    private <T> T retry(String what, Call<T> call) throws IOException {
        Backoff backoff = new Backoff(firstDelay, firstDelay.multipliedBy(60), FetchLoop.JITTER);
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (RejectedException e) {
                throw e;
            } catch (IOException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                Duration delay = backoff.delay(attempt - 1, ThreadLocalRandom.current());
                LOG.warn("{} failed ({}); retrying in {} ms", what, e.getMessage(), delay.toMillis());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(what + " interrupted");
                }
            }
        }
    }

    @Override
    public List<AllocatedBuild> fetch(List<String> systems, AgentSettings.Features features, int freeSlots,
            int running, double load) throws IOException {
        return next.fetch(systems, features, freeSlots, running, load);
    }

    @Override
    public Set<UUID> status(Set<UUID> running) throws IOException {
        return next.status(running);
    }

    @Override
    public Set<UUID> status(Set<UUID> running, double load, int freeSlots) throws IOException {
        return next.status(running, load, freeSlots);
    }

    @Override
    public Set<UUID> status(Set<UUID> running, double load, int freeSlots, long freeDisk, String idle)
            throws IOException {
        return next.status(running, load, freeSlots, freeDisk, idle);
    }

    @Override
    public void restarted() throws IOException {
        next.restarted();
    }

    @Override
    public String derivationText(String drvPath) throws IOException {
        return retry("Fetching " + drvPath, () -> next.derivationText(drvPath));
    }

    @Override
    public void start(UUID build) throws IOException {
        retry("Reporting the start of " + build, () -> {
            next.start(build);
            return null;
        });
    }

    @Override
    public void appendLog(UUID build, byte[] bytes) throws IOException {
        next.appendLog(build, bytes);
    }

    @Override
    public void upload(UUID build, String output, CompressedNar nar, boolean resume) throws IOException {
        next.upload(build, output, nar, resume);
    }

    @Override
    public void success(UUID build, List<OutputReport> outputs) throws IOException {
        retry("Reporting the success of " + build, () -> {
            next.success(build, outputs);
            return null;
        });
    }

    @Override
    public void failure(UUID build, String kind, Integer exitStatus) throws IOException {
        retry("Reporting the failure of " + build, () -> {
            next.failure(build, kind, exitStatus);
            return null;
        });
    }

    @Override
    public void setupFailure(UUID build, SetupFailureKind kind, List<String> missingInputs) throws IOException {
        retry("Reporting the setup failure of " + build, () -> {
            next.setupFailure(build, kind, missingInputs);
            return null;
        });
    }
}
