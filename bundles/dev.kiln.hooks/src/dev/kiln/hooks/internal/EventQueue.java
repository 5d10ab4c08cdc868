package dev.kiln.hooks.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.Event;
import dev.kiln.api.EventService;
import dev.kiln.api.EventType;
import dev.kiln.hooks.api.Farm;
import dev.kiln.retry.Backoff;
import dev.kiln.retry.RetriedFault;

/**
 * The actor that delivers the events of one type to the hooks that handle it. Its thread owns every field but
 * {@link #mailbox} and {@link #stats}: it reads the outbox from its cursor, runs up to the type's parallelism of
 * hook calls at once (each on a virtual thread), one at a time and in order for one hook and one build (across
 * types too, through the shared {@link DeliveryOrder}), retries failed calls after a back-off without holding a
 * slot, and stores in the datastore, where it reads the outbox, the id up to which every event was handled: for
 * the queue, and for each hook.
 */
final class EventQueue {

    private static final Logger LOG = LoggerFactory.getLogger(EventQueue.class);
    private static final int PAGE = 256;
    /** Deliveries held in memory at most; the outbox holds the rest. */
    private static final int BUFFERED = 2_048;
    private static final Duration CURSOR_WRITE_INTERVAL = Duration.ofSeconds(1);
    /** The names of the stored cursors: {@code hooks/<type>} for the queue, {@code hooks/<type>/<hook>} per hook. */
    private static final String CURSOR_PREFIX = "hooks/";
    private static final int MAX_CURSOR_NAME = 300;
    /**
     * After a start, hooks come up one by one (deployed bundles register their services a moment later): for this
     * long, events of a type nobody listens to are kept for them instead of skipped.
     */
    private static final Duration STARTUP_GRACE = Duration.ofSeconds(30);

    private sealed interface Message permits Wake, Done, Stop {
    }

    private record Wake() implements Message {
    }

    private record Done(Delivery delivery, Throwable failure) implements Message {
    }

    private record Stop() implements Message {
    }

    /** One event for one hook. Owned by the queue's thread. */
    private static final class Delivery {
        final Event event;
        final String hook;
        int attempts;
        Instant notBefore = Instant.MIN;
        Thread worker;
        /** Held back by the order of the hook's earlier events of other types; woken through the order. */
        boolean heldBack;

        Delivery(Event event, String hook) {
            this.event = event;
            this.hook = hook;
        }

        String orderKey() {
            Object subject = event.buildId() != null ? event.buildId()
                    : event.agentId() != null ? event.agentId() : event.id();
            return hook + " " + subject;
        }
    }

    private final EventType type;
    private final EventService events;
    private final HookRegistry hooks;
    private final Farm farm;
    private final HookOptions options;
    private final DeliveryOrder order;
    private final String cursorName;
    private final int parallelism;
    private final BlockingQueue<Message> mailbox = new LinkedBlockingQueue<>();
    private final Thread thread;

    private volatile Map<String, HookQueueStats> stats = Map.of();

    private long readCursor;
    /** By cursor name, the positions stored last (or read at the start). */
    private final Map<String, Long> storedCursors = new HashMap<>();
    private Instant cursorWrittenAt = Instant.EPOCH;
    private final RetriedFault cursorFault;
    private final RetriedFault outboxFault;
    private final Instant skipUnheardAfter = Instant.now().plus(STARTUP_GRACE);
    private int running;
    private int buffered;
    /** Event id to deliveries not yet complete. */
    private final TreeMap<Long, Integer> open = new TreeMap<>();
    /** By hook name, the ids of its deliveries not yet complete. */
    private final Map<String, TreeSet<Long>> openByHook = new HashMap<>();
    /** Order key to its deliveries, oldest first; only the first of each runs. */
    private final Map<String, ArrayDeque<Delivery>> waiting = new LinkedHashMap<>();
    private final Map<String, HookQueueStats> ownStats = new HashMap<>();

    EventQueue(EventType type, EventService events, HookRegistry hooks, Farm farm, HookOptions options,
            DeliveryOrder order) {
        this.type = type;
        this.events = events;
        this.hooks = hooks;
        this.farm = farm;
        this.options = options;
        this.order = order;
        this.cursorName = CURSOR_PREFIX + type.id();
        this.cursorFault = new RetriedFault(LOG, "The " + type + " hook queue could not store its cursors",
                Backoff.FAULT, Clock.systemUTC());
        this.outboxFault = new RetriedFault(LOG, "The " + type + " hook queue could not read the outbox",
                Backoff.FAULT, Clock.systemUTC());
        this.parallelism = options.parallelismOf(type);
        this.thread = Thread.ofVirtual().name("kiln-hooks-" + type.id()).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Tells the queue that the outbox or the hooks changed. */
    void wake() {
        mailbox.add(new Wake());
    }

    /** Stops the queue, waiting for it up to {@code wait}; the cursor is written on the way out. */
    void stop(Duration wait) throws InterruptedException {
        mailbox.add(new Stop());
        if (!thread.join(wait)) {
            LOG.warn("The {} hook queue did not stop within {}", type, wait);
        }
    }

    /** By hook name, the hooks that have events of this type queued or have failed on one. */
    Map<String, HookQueueStats> stats() {
        return stats;
    }

    private void run() {
        try {
            storedCursors.putAll(events.cursors(cursorName));
            storedCursors.keySet().removeIf(name -> !name.equals(cursorName) && !name.startsWith(cursorName + "/"));
            Long stored = storedCursors.get(cursorName);
            readCursor = stored != null ? stored : 0L;
        } catch (RuntimeException e) {
            LOG.error("The {} hook queue cannot read its cursor; it delivers nothing", type, e);
            return;
        }
        order.read(type, readCursor);
        try {
            boolean stopping = false;
            while (!stopping) {
                fill();
                dispatch();
                stats = Map.copyOf(ownStats);
                Message message = mailbox.poll(waitMillis(), TimeUnit.MILLISECONDS);
                while (message != null) {
                    if (message instanceof Done done) {
                        finished(done.delivery(), done.failure());
                    } else if (message instanceof Stop) {
                        stopping = true;
                    }
                    message = mailbox.poll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.values().forEach(deliveries -> deliveries.forEach(delivery -> {
                if (delivery.worker != null) {
                    delivery.worker.interrupt();
                }
            }));
            persistCursors(true);
        }
    }

    /**
     * Stores where the queue and its hooks stand (when due), then reads events of this type from the outbox into the
     * queue, while there is room.
     */
    private void fill() {
        persistCursors(false);
        if (!outboxFault.due()) {
            return;
        }
        try {
            if (open.isEmpty() && hooks.handling(type).isEmpty()) {
                if (Instant.now().isAfter(skipUnheardAfter)) {
                    // Nobody listens: skip what is in the outbox now instead of reading it.
                    readCursor = Math.max(readCursor, events.latestId());
                }
                outboxFault.succeeded();
                return;
            }
            while (buffered < BUFFERED) {
                List<Event> page = events.after(readCursor, PAGE);
                for (Event event : page) {
                    readCursor = event.id();
                    if (event.type() == type) {
                        enqueue(event);
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
            }
            outboxFault.succeeded();
        } catch (RuntimeException e) {
            outboxFault.failed(e);
        } finally {
            order.read(type, readCursor);
        }
    }

    private void enqueue(Event event) {
        List<RegisteredHook> handling = hooks.handling(type);
        if (handling.isEmpty()) {
            return;
        }
        int queued = 0;
        for (RegisteredHook hook : handling) {
            Long handled = storedCursors.get(hookCursorName(hook.name()));
            if (handled != null && event.id() <= handled) {
                // Handled by this hook before a restart, while another hook held the queue's cursor back.
                continue;
            }
            Delivery delivery = new Delivery(event, hook.name());
            waiting.computeIfAbsent(delivery.orderKey(), key -> new ArrayDeque<>()).add(delivery);
            openByHook.computeIfAbsent(hook.name(), name -> new TreeSet<>()).add(event.id());
            order.queued(delivery.orderKey(), event.id(), type);
            ownStats.merge(hook.name(), HookQueueStats.NONE.withQueued(1), (old, one) -> old.withQueued(1));
            buffered++;
            queued++;
        }
        if (queued > 0) {
            open.put(event.id(), queued);
        }
    }

    /** Starts the first delivery of each order key that is due, while slots are free. */
    private void dispatch() {
        Instant now = Instant.now();
        for (ArrayDeque<Delivery> deliveries : List.copyOf(waiting.values())) {
            if (running >= parallelism) {
                return;
            }
            Delivery first = deliveries.peek();
            first.heldBack = false;
            if (first.worker != null || first.notBefore.isAfter(now)) {
                continue;
            }
            var hook = hooks.named(first.hook);
            if (hook.isEmpty()) {
                if (hooks.isAway(first.hook)) {
                    // Its bundle is being updated: the hook comes back soon.
                    first.notBefore = now.plusMillis(200);
                } else {
                    LOG.info("Hook {} is gone; event {} is not delivered to it", first.hook, first.event.id());
                    complete(first);
                }
                continue;
            }
            RegisteredHook target = hook.get();
            if (!order.mayRun(first.orderKey(), first.event.id(), type, target.events())) {
                first.heldBack = true;
                continue;
            }
            running++;
            first.attempts++;
            first.worker = Thread.ofVirtual().name("kiln-hook-" + first.hook + "-" + first.event.id())
                    .start(() -> mailbox.add(new Done(first, call(target, first.event))));
        }
    }

    /** Calls the hook on a thread of its own, interrupting it when it overruns; returns the failure or null. */
    private Throwable call(RegisteredHook hook, Event event) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().name("kiln-hook-call-" + hook.name()).start(() -> {
            try {
                hook.hook().handle(event, farm);
                result.complete(null);
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        });
        try {
            result.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            caller.interrupt();
            return new TimeoutException("ran longer than " + options.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            caller.interrupt();
            return e;
        }
    }

    /**
     * A failure as an operator reads it: its class and message, and those of its causes while they add something
     * (an HTTP client's {@code ConnectException} says nothing of itself; its cause says the connection was refused).
     */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 5; depth++, current = current.getCause()) {
            String message = current.getMessage();
            if (depth > 0 && message != null && text.indexOf(message) >= 0) {
                continue;
            }
            if (depth > 0) {
                text.append(" (");
            }
            text.append(current.getClass().getSimpleName());
            if (message != null && !message.isBlank()) {
                text.append(": ").append(message);
            }
            if (depth > 0) {
                text.append(')');
            }
        }
        return text.toString();
    }

    private void finished(Delivery delivery, Throwable failure) {
        running--;
        delivery.worker = null;
        if (failure == null) {
            complete(delivery);
            return;
        }
        Instant now = Instant.now();
        String message = describe(failure);
        ownStats.computeIfPresent(delivery.hook, (name, old) -> old.withFailure(message, now));
        if (delivery.attempts >= options.maxAttempts()) {
            LOG.error("Hook {} failed on event {} ({} of build {}) {} times; giving up on it", delivery.hook,
                    delivery.event.id(), type, delivery.event.buildId(), delivery.attempts, failure);
            complete(delivery);
        } else {
            Duration wait = options.backoffAfter(delivery.attempts);
            LOG.warn("Hook {} failed on event {} ({} of build {}), attempt {}; again in {} ms: {}", delivery.hook,
                    delivery.event.id(), type, delivery.event.buildId(), delivery.attempts, wait.toMillis(),
                    message);
            LOG.debug("Failure of hook {} on event {}", delivery.hook, delivery.event.id(), failure);
            delivery.notBefore = now.plus(wait);
        }
    }

    private void complete(Delivery delivery) {
        String key = delivery.orderKey();
        ArrayDeque<Delivery> deliveries = waiting.get(key);
        deliveries.remove(delivery);
        if (deliveries.isEmpty()) {
            waiting.remove(key);
        }
        buffered--;
        ownStats.computeIfPresent(delivery.hook, (name, old) -> old.withQueued(-1));
        open.computeIfPresent(delivery.event.id(), (id, count) -> count == 1 ? null : count - 1);
        TreeSet<Long> ofHook = openByHook.get(delivery.hook);
        if (ofHook != null && ofHook.remove(delivery.event.id()) && ofHook.isEmpty()) {
            openByHook.remove(delivery.hook);
        }
        order.done(key, delivery.event.id());
    }

    /** Every event of this type up to this id was handled by every hook. */
    private long handledUpTo() {
        return open.isEmpty() ? readCursor : open.firstKey() - 1;
    }

    /** Every event of this type up to this id was handled by this hook. */
    private long handledUpTo(String hook) {
        TreeSet<Long> ofHook = openByHook.get(hook);
        long handled = ofHook == null ? readCursor : ofHook.first() - 1;
        return Math.max(handled, storedCursors.getOrDefault(hookCursorName(hook), 0L));
    }

    private String hookCursorName(String hook) {
        return cursorName + "/" + hook;
    }

    /** The cursors that moved since they were stored, at most once a {@link #CURSOR_WRITE_INTERVAL} unless now. */
    private void persistCursors(boolean now) {
        Instant at = Instant.now();
        if (!now && (Duration.between(cursorWrittenAt, at).compareTo(CURSOR_WRITE_INTERVAL) < 0 || !cursorFault.due())) {
            return;
        }
        Map<String, Long> moved = movedCursors();
        if (moved.isEmpty()) {
            return;
        }
        try {
            events.saveCursors(moved);
            storedCursors.putAll(moved);
            cursorWrittenAt = at;
            cursorFault.succeeded();
        } catch (RuntimeException e) {
            cursorFault.failed(e);
        }
    }

    private Map<String, Long> movedCursors() {
        Map<String, Long> positions = new HashMap<>();
        positions.put(cursorName, handledUpTo());
        for (RegisteredHook hook : hooks.handling(type)) {
            String name = hookCursorName(hook.name());
            if (name.length() <= MAX_CURSOR_NAME) {
                positions.put(name, handledUpTo(hook.name()));
            }
        }
        positions.entrySet().removeIf(entry -> entry.getValue().equals(storedCursors.get(entry.getKey())));
        return positions;
    }

    private long waitMillis() {
        Instant now = Instant.now();
        Instant next = now.plus(options.pollInterval());
        if (!movedCursors().isEmpty()) {
            Instant cursorDue = cursorWrittenAt.plus(CURSOR_WRITE_INTERVAL);
            if (cursorFault.nextTry().isAfter(cursorDue)) {
                cursorDue = cursorFault.nextTry();
            }
            next = cursorDue.isBefore(next) ? cursorDue : next;
        }
        if (running < parallelism) {
            for (ArrayDeque<Delivery> deliveries : waiting.values()) {
                Delivery first = deliveries.peek();
                if (first.worker == null && !first.heldBack && first.notBefore.isBefore(next)) {
                    next = first.notBefore;
                }
            }
        }
        // Something already due (a cursor never written yet is due since the epoch): poll at once.
        return next.isAfter(now) ? Math.max(1, Duration.between(now, next).toMillis()) : 1;
    }
}
