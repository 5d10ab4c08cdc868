package dev.kiln.agent.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A build's log on its way to the coordinator: bytes are gathered and sent every quarter of a second while the
 * build runs, and the rest when it is closed. When the coordinator cannot be reached, the bytes wait for the next
 * attempt; beyond {@link #MAX_PENDING} waiting bytes, the oldest are dropped and the log says so. Nothing is sent
 * before the coordinator has answered the build's start, so that the header it writes then begins the attempt's log.
 */
final class LogStream extends OutputStream {

    private static final Logger LOG = LoggerFactory.getLogger(LogStream.class);
    static final int MAX_PENDING = 8 << 20;
    private static final Duration INTERVAL = Duration.ofMillis(250);

    private final CoordinatorConnection connection;
    private final UUID build;
    private final StartAnswered startAnswered;
    private final Thread sender;
    private final Object lock = new Object();
    private ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long dropped;
    private boolean closed;

    /** Waits until the coordinator has answered the report of the build's start, whatever the answer. */
    @FunctionalInterface
    interface StartAnswered {
        void await() throws InterruptedException;
    }

    LogStream(CoordinatorConnection connection, UUID build, StartAnswered startAnswered) {
        this.connection = connection;
        this.build = build;
        this.startAnswered = startAnswered;
        this.sender = Thread.ofVirtual().name("log-" + build).start(this::sendPeriodically);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        synchronized (lock) {
            if (pending.size() + length > MAX_PENDING) {
                dropped += pending.size();
                pending = new ByteArrayOutputStream();
            }
            pending.write(bytes, offset, length);
        }
    }

    private void sendPeriodically() {
        try {
            startAnswered.await();
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(INTERVAL);
                send();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends what is pending; on failure, keeps it for the next attempt. */
    private boolean send() {
        byte[] bytes;
        synchronized (lock) {
            if (dropped > 0) {
                byte[] notice = ("\n[kiln-agent: " + dropped + " bytes of log dropped while the coordinator was away]\n")
                        .getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream withNotice = new ByteArrayOutputStream();
                withNotice.writeBytes(notice);
                withNotice.writeBytes(pending.toByteArray());
                pending = withNotice;
                dropped = 0;
            }
            if (pending.size() == 0) {
                return true;
            }
            bytes = pending.toByteArray();
            pending = new ByteArrayOutputStream();
        }
        try {
            connection.appendLog(build, bytes);
            return true;
        } catch (IOException e) {
            LOG.debug("Cannot send the log of {} yet: {}", build, e.getMessage());
            synchronized (lock) {
                ByteArrayOutputStream again = new ByteArrayOutputStream();
                again.writeBytes(bytes);
                again.writeBytes(pending.toByteArray());
                pending = again;
            }
            return false;
        }
    }

    /** Stops the periodic sending and sends the rest, trying a few times. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        sender.interrupt();
        try {
            sender.join();
            startAnswered.await();
            for (int attempt = 0; attempt < 5 && !send(); attempt++) {
                Thread.sleep(INTERVAL.multipliedBy(1L << attempt));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
