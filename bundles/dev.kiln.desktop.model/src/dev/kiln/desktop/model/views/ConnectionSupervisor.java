package dev.kiln.desktop.model.views;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.client.EventStream;
import dev.kiln.client.KilnApiException;
import dev.kiln.desktop.model.ClientConnection;
import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.Subscription;
import dev.kiln.protocol.EventInfo;
import dev.kiln.retry.Backoff;

/**
 * Keeps the desktop connected to one coordinator and says whether it is reachable. It follows the event stream, which
 * opens again with back-off after each drop and resumes after the last event seen; each time the stream opens, its
 * topics are read whole, then again every {@link #REFRESH_INTERVAL} while it stays open, and told each event. A call
 * that finds the coordinator down opens the stream again; a refused token stops everything until
 * {@link #reconnect()}.
 *
 * <p>Thread-safe. Reads run on the {@link Scheduler}; listeners hear status changes on background threads.
 */
public final class ConnectionSupervisor implements AutoCloseable {

    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSupervisor.class);

    private final FarmConnection connection;
    private final Scheduler scheduler;
    private final Backoff backoff;
    private final List<FarmTopic> topics = new CopyOnWriteArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();

    private volatile ConnectionStatus status = new ConnectionStatus(ConnectionState.CONNECTING, "", null);
    private volatile long lastEventId = -1;
    /** Guarded by lock: bumped whenever the current stream is abandoned, so that its late callbacks are ignored. */
    private int generation;
    /** Guarded by lock. */
    private Subscription events;

    public ConnectionSupervisor(FarmConnection connection, Scheduler scheduler, Backoff backoff) {
        this.connection = connection;
        this.scheduler = scheduler;
        this.backoff = backoff;
    }

    public URI coordinator() {
        return connection.coordinator();
    }

    public ConnectionStatus status() {
        return status;
    }

    /** Hears each change of {@link #status()}. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /** Keeps {@code topic} current from the next time the stream opens. */
    public void addTopic(FarmTopic topic) {
        topics.add(topic);
    }

    /** Starts connecting. */
    public void start() {
        reconnect();
    }

    /** Drops the current stream or attempt and connects again at once, forgetting the back-off. */
    public void reconnect() {
        int attempt;
        synchronized (lock) {
            if (status.state() == ConnectionState.CLOSED) {
                return;
            }
            attempt = abandonCurrent();
            status = new ConnectionStatus(ConnectionState.CONNECTING, "", null);
        }
        fire();
        follow(attempt);
    }

    @Override
    public void close() {
        synchronized (lock) {
            abandonCurrent();
            status = new ConnectionStatus(ConnectionState.CLOSED, "", null);
        }
        connection.close();
        fire();
    }

    /** Runs a call on the scheduler; one that finds the coordinator down or refusing the token is {@link #failed}. */
    public <T> CompletableFuture<T> call(FarmCall<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                result.complete(call.call());
            } catch (FarmException e) {
                failed(e);
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Learns from a call that failed: one that found the coordinator down drops the stream and opens a new one, which
     * says when the coordinator is back; a refused token stops everything. Other failures say nothing of the
     * connection.
     */
    public void failed(FarmException failure) {
        if (!isConnectionProblem(failure)) {
            return;
        }
        int attempt;
        synchronized (lock) {
            attempt = generation;
        }
        connectionFailed(attempt, failure);
    }

    static boolean isConnectionProblem(FarmException e) {
        return e.kind() == FarmException.Kind.COORDINATOR_DOWN || e.kind() == FarmException.Kind.WRONG_TOKEN;
    }

    /** Opens the event stream of this attempt; it says when it is open, broken or refused. */
    private void follow(int attempt) {
        Subscription subscription = connection.events(lastEventId, backoff, new StreamListener(attempt));
        synchronized (lock) {
            if (generation == attempt && events == null) {
                events = subscription;
                return;
            }
        }
        subscription.close();
    }

    /** The stream is open: reads every topic, then again now and then while it stays open. */
    private void connected(int attempt) {
        synchronized (lock) {
            if (generation != attempt) {
                return;
            }
            status = new ConnectionStatus(ConnectionState.CONNECTED, "", null);
        }
        fire();
        scheduler.execute(() -> {
            for (FarmTopic topic : topics) {
                if (!read(attempt, topic, true)) {
                    return;
                }
            }
            schedulePeriodicRefresh(attempt);
        });
    }

    private void schedulePeriodicRefresh(int attempt) {
        scheduler.schedule(() -> {
            if (isCurrent(attempt)) {
                for (FarmTopic topic : topics) {
                    if (!read(attempt, topic, false)) {
                        return;
                    }
                }
                schedulePeriodicRefresh(attempt);
            }
        }, REFRESH_INTERVAL);
    }

    /** Reads a topic; returns false when the read found the connection lost. */
    private boolean read(int attempt, FarmTopic topic, boolean whole) {
        try {
            if (whole) {
                topic.reload();
            } else {
                topic.refresh();
            }
            return true;
        } catch (FarmException e) {
            if (isConnectionProblem(e)) {
                connectionFailed(attempt, e);
                return false;
            }
            LOG.warn("Cannot read {} from {}: {}", topic.getClass().getSimpleName(), connection.coordinator(),
                    e.getMessage());
            return true;
        }
    }

    private boolean isCurrent(int attempt) {
        synchronized (lock) {
            return generation == attempt && status.state() == ConnectionState.CONNECTED;
        }
    }

    /** The stream broke or could not be opened; it opens again by itself after {@code retryIn}. */
    private void disconnected(int attempt, FarmException failure, Duration retryIn) {
        synchronized (lock) {
            if (generation != attempt) {
                return;
            }
            status = new ConnectionStatus(ConnectionState.COORDINATOR_DOWN, failure.getMessage(),
                    scheduler.now().plus(retryIn));
        }
        LOG.info("Connection to {} lost: {}", connection.coordinator(), failure.getMessage());
        fire();
    }

    /** The coordinator refused the stream: nothing is tried again until {@link #reconnect()}. */
    private void refused(int attempt, FarmException failure) {
        synchronized (lock) {
            if (generation != attempt || status.state() == ConnectionState.CLOSED) {
                return;
            }
            abandonCurrent();
            status = new ConnectionStatus(failure.kind() == FarmException.Kind.WRONG_TOKEN
                    ? ConnectionState.WRONG_TOKEN : ConnectionState.COORDINATOR_DOWN, failure.getMessage(), null);
        }
        LOG.info("{} refused the event stream: {}", connection.coordinator(), failure.getMessage());
        fire();
    }

    /**
     * A call found the coordinator down or refusing the token: the stream of this attempt is dropped, and unless the
     * token was refused a new one is opened, which says when the coordinator is back.
     */
    private void connectionFailed(int attempt, FarmException failure) {
        int next;
        synchronized (lock) {
            if (generation != attempt || status.state() == ConnectionState.CLOSED) {
                return;
            }
            next = abandonCurrent();
            status = failure.kind() == FarmException.Kind.WRONG_TOKEN
                    ? new ConnectionStatus(ConnectionState.WRONG_TOKEN, failure.getMessage(), null)
                    : new ConnectionStatus(ConnectionState.COORDINATOR_DOWN, failure.getMessage(), null);
        }
        LOG.info("Connection to {} lost: {}", connection.coordinator(), failure.getMessage());
        fire();
        if (failure.kind() != FarmException.Kind.WRONG_TOKEN) {
            follow(next);
        }
    }

    /** Guarded by lock. Closes the stream; returns the new generation, whose callbacks alone are heard. */
    private int abandonCurrent() {
        generation++;
        if (events != null) {
            events.close();
            events = null;
        }
        return generation;
    }

    private void onEvent(int attempt, EventInfo event) {
        synchronized (lock) {
            if (generation != attempt) {
                return;
            }
        }
        lastEventId = Math.max(lastEventId, event.id());
        for (FarmTopic topic : topics) {
            topic.onEvent(event);
        }
    }

    private void fire() {
        for (Runnable listener : listeners) {
            listener.run();
        }
    }

    private final class StreamListener implements EventStream.Listener {

        private final int attempt;

        StreamListener(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public void onEvent(EventInfo event) {
            ConnectionSupervisor.this.onEvent(attempt, event);
        }

        @Override
        public void onConnected() {
            connected(attempt);
        }

        @Override
        public void onDisconnected(IOException cause, Duration retryIn) {
            disconnected(attempt, ClientConnection.failure(connection.coordinator(), cause), retryIn);
        }

        @Override
        public void onRefused(KilnApiException refusal) {
            refused(attempt, ClientConnection.failure(connection.coordinator(), refusal));
        }
    }
}
