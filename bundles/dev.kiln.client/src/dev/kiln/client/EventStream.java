package dev.kiln.client;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.MalformedJsonException;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.retry.Backoff;

/**
 * The coordinator's event stream, followed on a virtual thread of its own. When the stream cannot be opened or breaks,
 * it is opened again after the back-off's delay, asking with {@code Last-Event-ID} for the events after the last one
 * passed on: across drops and restarts of the coordinator no event is lost or passed on twice. An event this client
 * cannot read (of a type newer than it) is passed over. A refusal (a 4xx, such as a token refused) ends it. Thread-safe; {@link #close()} stops it, after which the listener hears nothing more.
 */
public final class EventStream implements AutoCloseable {

    /** Hears the stream, on the stream's thread, one call at a time. */
    public interface Listener {

        /** An event, each one once, in the order of their ids. */
        void onEvent(EventInfo event);

        /** The stream is open: the events after the last one passed on follow. */
        default void onConnected() {
        }

        /** The stream could not be opened, or broke; it is opened again after {@code retryIn}. */
        default void onDisconnected(IOException cause, Duration retryIn) {
        }

        /** The coordinator refused the stream: it is over. */
        default void onRefused(KilnApiException refusal) {
        }
    }

    private final Http http;
    private final Backoff backoff;
    private final Listener listener;
    private final Thread thread;
    private final Object lock = new Object();
    private volatile long lastEventId;
    private volatile boolean closed;
    /** Guarded by lock: the body being read, closed to stop reading it. */
    private InputStream reading;

    EventStream(Http http, long after, Backoff backoff, Listener listener) {
        this.http = http;
        this.lastEventId = after;
        this.backoff = backoff;
        this.listener = listener;
        this.thread = Thread.ofVirtual().name("kiln-events").unstarted(this::follow);
    }

    void start() {
        thread.start();
    }

    /** The id of the last event passed on, or the one the stream was asked to start after. */
    public long lastEventId() {
        return lastEventId;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            closeQuietly(reading);
            reading = null;
        }
        thread.interrupt();
    }

    private void follow() {
        int failures = 0;
        while (!closed) {
            IOException cause;
            try {
                InputStream body = open();
                failures = 0;
                listener.onConnected();
                read(body);
                cause = new EOFException("the coordinator ended the event stream");
            } catch (KilnApiException e) {
                if (e.status() < 500) {
                    if (!closed) {
                        listener.onRefused(e);
                    }
                    return;
                }
                cause = e;
            } catch (IOException e) {
                cause = e;
            } finally {
                synchronized (lock) {
                    closeQuietly(reading);
                    reading = null;
                }
            }
            if (closed) {
                return;
            }
            Duration delay = backoff.delay(failures++);
            listener.onDisconnected(cause, delay);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private InputStream open() throws IOException {
        HttpRequest.Builder request = http.request("api/v1/events").header("Accept", "text/event-stream").GET();
        long after = lastEventId;
        if (after >= 0) {
            request.header("Last-Event-ID", Long.toString(after));
        }
        InputStream body = http.stream(request.build());
        synchronized (lock) {
            if (closed) {
                closeQuietly(body);
                throw new java.io.InterruptedIOException("the event stream was closed");
            }
            reading = body;
        }
        return body;
    }

    private void read(InputStream body) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        ServerSentEvents.read(reader, (id, type, data) -> {
            EventInfo event;
            try {
                event = ProtocolJson.read(data.getBytes(StandardCharsets.UTF_8), EventInfo.class);
            } catch (MalformedJsonException e) {
                // An event this client cannot read, such as one of a type newer than it: passed over, not asked again.
                skipped(id);
                return;
            }
            if (event.id() > lastEventId && !closed) {
                lastEventId = event.id();
                listener.onEvent(event);
            }
        });
    }

    private void skipped(String id) {
        try {
            lastEventId = Math.max(lastEventId, Long.parseLong(id == null ? "" : id.strip()));
        } catch (NumberFormatException e) {
            // Without an id it cannot be asked after: a resumed stream starts after the event before it.
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException e) {
            // Closing is how reading is stopped; a failure to close leaves nothing to undo.
        }
    }
}
