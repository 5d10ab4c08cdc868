package dev.kiln.ci.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * An actor that runs work on virtual threads, at most {@code limit} at once, queueing the rest in order. The
 * channel updater and the evaluator are two of these: their limit on concurrency is the actor's own state.
 */
final class LimitedWorker extends Actor<LimitedWorker.Message> {

    sealed interface Message {
    }

    private record Submit(Callable<?> work, CompletableFuture<Object> result) implements Message {
    }

    private record Finished() implements Message {
    }

    private final int limit;
    private final Queue<Submit> waiting = new ArrayDeque<>();
    private int running;

    LimitedWorker(String name, int limit) {
        super(name);
        if (limit < 1) {
            throw new IllegalArgumentException(name + ": the limit is at least 1, not " + limit);
        }
        this.limit = limit;
    }

    /** Runs {@code work} when a place is free; the future completes with its result or its exception. */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Callable<T> work) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        tell(new Submit(work, result));
        return (CompletableFuture<T>) (CompletableFuture<?>) result;
    }

    @Override
    protected void receive(Message message) {
        switch (message) {
            case Submit submit -> {
                waiting.add(submit);
                startWhatFits();
            }
            case Finished finished -> {
                running--;
                startWhatFits();
            }
        }
    }

    @Override
    protected void stopped() {
        waiting.forEach(submit -> submit.result().cancel(false));
    }

    private void startWhatFits() {
        while (running < limit && !waiting.isEmpty()) {
            Submit next = waiting.remove();
            running++;
            Thread.ofVirtual().start(() -> {
                try {
                    next.result().complete(next.work().call());
                } catch (Exception e) {
                    next.result().completeExceptionally(e);
                } finally {
                    tell(new Finished());
                }
            });
        }
    }
}
