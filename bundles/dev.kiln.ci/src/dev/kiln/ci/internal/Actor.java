package dev.kiln.ci.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.retry.Backoff;
import dev.kiln.retry.RetriedFault;

/**
 * A virtual thread that owns its state and serves the messages of its mailbox one at a time. Nothing but messages
 * reaches the state, so subclasses need no locks. After a message fails, the next waits with a back-off until one
 * succeeds again, and the fault is logged once (and once when it clears), not once a message.
 *
 * @param <M> the messages it understands
 */
abstract class Actor<M> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Actor.class);
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final String name;
    private final BlockingQueue<M> mailbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final RetriedFault fault;

    protected Actor(String name) {
        this.name = name;
        this.fault = new RetriedFault(LOG, name + " failed on a message", Backoff.FAULT, Clock.systemUTC());
        this.thread = Thread.ofVirtual().name(name).unstarted(this::serve);
    }

    final void start() {
        thread.start();
    }

    /** Queues a message; never blocks. */
    final void tell(M message) {
        mailbox.add(message);
    }

    /** Handles one message, on the actor's thread. An exception is logged once and the actor goes on. */
    protected abstract void receive(M message) throws Exception;

    /** Called on the actor's thread when it stops. */
    protected void stopped() {
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            if (!thread.join(Duration.ofSeconds(STOP_TIMEOUT_SECONDS))) {
                LOG.warn("{} did not stop within {} s", name, STOP_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                M message = mailbox.poll(1, TimeUnit.HOURS);
                if (message == null) {
                    continue;
                }
                Thread.sleep(fault.untilNextTry());
                try {
                    receive(message);
                    fault.succeeded();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    fault.failed(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped();
        }
    }
}
