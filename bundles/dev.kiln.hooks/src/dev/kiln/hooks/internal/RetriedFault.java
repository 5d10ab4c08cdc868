package dev.kiln.hooks.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.slf4j.Logger;

/**
 * A fault of something a loop retries (a disk full under the datastore, a database gone): the tries back off from
 * {@link #FIRST_DELAY} to {@link #LONGEST_DELAY}, and the fault is logged once when it starts, with its stack trace,
 * again only when its message changes, and once when it clears, so that a lasting fault neither spins nor floods the
 * log. Not thread-safe: owned by one actor.
 */
final class RetriedFault {

    static final Duration FIRST_DELAY = Duration.ofMillis(100);
    static final Duration LONGEST_DELAY = Duration.ofMinutes(1);

    private final Logger log;
    private final String what;
    private String message;
    private int tries;
    private Duration delay = Duration.ZERO;
    private Instant nextTry = Instant.MIN;

    /** @param what what fails, for the log: "the hook queue build-success could not store its cursors" */
    RetriedFault(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /** Whether it is time to try again. */
    boolean due(Instant now) {
        return !now.isBefore(nextTry);
    }

    /** When the next try is due; {@link Instant#MIN} while there is no fault. */
    Instant nextTry() {
        return nextTry;
    }

    void failed(RuntimeException e, Instant now) {
        tries++;
        String text = String.valueOf(e);
        if (message == null) {
            log.warn("{} ({}); trying again with a back-off up to {} s, and saying so again only if it changes",
                    what, text, LONGEST_DELAY.toSeconds(), e);
        } else if (!Objects.equals(message, text)) {
            log.warn("{}, now: {} (try {})", what, text, tries);
        }
        message = text;
        delay = delay.isZero() ? FIRST_DELAY : delay.multipliedBy(2);
        if (delay.compareTo(LONGEST_DELAY) > 0) {
            delay = LONGEST_DELAY;
        }
        nextTry = now.plus(delay);
    }

    void succeeded() {
        if (message != null) {
            log.info("{} no longer: it worked after {} tries", what, tries + 1);
        }
        message = null;
        tries = 0;
        delay = Duration.ZERO;
        nextTry = Instant.MIN;
    }
}
