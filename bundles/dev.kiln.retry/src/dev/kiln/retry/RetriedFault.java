package dev.kiln.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;

/**
 * The fault of something a loop tries again (a database gone, a disk full): the tries are kept apart by a
 * {@link Backoff}, and the fault is said once when it starts, with its stack trace, again only when it changes (in
 * one line, and at most once a wait, even when the loop tries before the wait is over), and once when it clears, so
 * that a lasting fault neither spins nor floods the log. Time comes from the given clock, so a test can drive it.
 * Not thread-safe: owned by one loop.
 */
public final class RetriedFault {

    private final Logger log;
    private final String what;
    private final Backoff backoff;
    private final Clock clock;
    private String fault;
    private int failures;
    private int waits;
    private Instant since;
    private Instant nextTry = Instant.MIN;

    /**
     * @param what what fails, for the log: "The build-success hook queue could not store its cursors"
     */
    public RetriedFault(Logger log, String what, Backoff backoff, Clock clock) {
        this.log = log;
        this.what = what;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Whether the next try is due: always while there is no fault. */
    public boolean due() {
        return !clock.instant().isBefore(nextTry);
    }

    /** When the next try is due; {@link Instant#MIN} while there is no fault. */
    public Instant nextTry() {
        return nextTry;
    }

    /** How long until the next try is due; zero when it is. */
    public Duration untilNextTry() {
        if (fault == null) {
            return Duration.ZERO;
        }
        Duration wait = Duration.between(clock.instant(), nextTry);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** Whether the last try failed. */
    public boolean failing() {
        return fault != null;
    }

    /** The tries that failed in a row: 0 after a success. */
    public int failures() {
        return failures;
    }

    /**
     * Records a failed try, says so if the fault is new or changed, and sets when the next try is due.
     *
     * @return the wait before the next try
     */
    public Duration failed(Throwable error) {
        Instant now = clock.instant();
        String text = String.valueOf(error);
        boolean waited = !now.isBefore(nextTry);
        if (fault == null) {
            since = now;
            log.warn("{} ({}); trying again with a back-off up to {} s, and saying so again only if it changes", what,
                    text, backoff.max().toSeconds(), error);
        } else if (waited && !fault.equals(text)) {
            log.warn("{}, now: {} (try {})", what, text, failures + 1);
        }
        fault = text;
        failures++;
        if (waited) {
            // A try made before its wait was over does not lengthen the next wait: the back-off counts waits.
            nextTry = now.plus(backoff.delay(waits++, ThreadLocalRandom.current()));
        }
        return Duration.between(now, nextTry);
    }

    /** Records a successful try, and says that the fault cleared if there was one. */
    public void succeeded() {
        if (fault != null) {
            log.info("{} no longer: it worked after {} failed tries in {} s", what, failures,
                    Duration.between(since, clock.instant()).toSeconds());
        }
        fault = null;
        failures = 0;
        waits = 0;
        since = null;
        nextTry = Instant.MIN;
    }
}
