package dev.kiln.retry.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import dev.kiln.retry.Backoff;
import dev.kiln.retry.RetriedFault;
import dev.kiln.testing.ManualClock;

class RetriedFaultTest {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofMinutes(1));

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final RecordingLogger log = new RecordingLogger();
    private final RetriedFault fault = new RetriedFault(log, "The test loop could not save", BACKOFF, clock);

    @Test
    void anHourOfTheSameFaultIsTriedAFewTimesAndSaidOnce() {
        RuntimeException diskFull = new UncheckedIOException(new IOException("No space left on device"));
        Instant end = clock.instant().plus(Duration.ofHours(1));
        int tries = 0;
        // A loop that would spin: it tries whenever it is due, and otherwise sleeps until then.
        for (int turns = 0; clock.instant().isBefore(end) && turns < 1_000_000; turns++) {
            if (fault.due()) {
                tries++;
                fault.failed(diskFull);
            } else {
                clock.advance(fault.untilNextTry());
            }
        }
        // 100 ms doubling to 1 min: 11 tries to reach the minute, then one a minute.
        assertTrue(tries >= 60 && tries <= 72, "tries in an hour: " + tries);
        assertEquals(1, log.lines.size(), () -> "said once: " + log.lines);
        assertEquals(Level.WARN, log.lines.get(0).level());
        assertNotNull(log.lines.get(0).error(), "the first time with its stack trace");
        assertTrue(log.lines.get(0).text().contains("No space left on device"), log.lines.get(0).text());

        fault.succeeded();
        assertEquals(2, log.lines.size(), () -> "and once when it clears: " + log.lines);
        assertEquals(Level.INFO, log.lines.get(1).level());
        assertTrue(log.lines.get(1).text().contains("no longer"), log.lines.get(1).text());
        assertFalse(fault.failing());
    }

    @Test
    void aChangedFaultIsSaidInOneLine() {
        fault.failed(new IllegalStateException("database gone"));
        clock.advance(fault.untilNextTry());
        fault.failed(new IllegalStateException("database gone"));
        clock.advance(fault.untilNextTry());
        fault.failed(new IllegalStateException("disk full"));
        assertEquals(2, log.lines.size(), () -> "the start and the change: " + log.lines);
        assertTrue(log.lines.get(1).text().contains("disk full"), log.lines.get(1).text());
        assertNull(log.lines.get(1).error(), "no second stack trace");
    }

    @Test
    void triesAreKeptApartByTheBackoffAndASuccessStartsItAgain() {
        assertTrue(fault.due(), "no fault: due at once");
        assertEquals(Duration.ZERO, fault.untilNextTry());

        assertEquals(Duration.ofMillis(100), fault.failed(new IllegalStateException("down")));
        assertFalse(fault.due());
        clock.advance(Duration.ofMillis(99));
        assertFalse(fault.due(), "not before the wait is over");
        assertEquals(Duration.ofMillis(1), fault.untilNextTry());
        clock.advance(Duration.ofMillis(1));
        assertTrue(fault.due());
        assertEquals(Duration.ofMillis(200), fault.failed(new IllegalStateException("down")));
        clock.advance(Duration.ofMillis(200));
        assertEquals(Duration.ofMillis(400), fault.failed(new IllegalStateException("down")));
        assertEquals(3, fault.failures());

        clock.advance(Duration.ofMillis(400));
        fault.succeeded();
        assertTrue(fault.due());
        assertEquals(0, fault.failures());
        assertEquals(Instant.MIN, fault.nextTry());
        assertEquals(Duration.ofMillis(100), fault.failed(new IllegalStateException("down again")),
                "a new fault starts from the first wait");
        assertEquals(3, log.lines.size(), () -> "start, clear, start: " + log.lines);
    }

    @Test
    void aLoopThatTriesBeforeItsWaitIsOverStillSaysLittle() {
        // Each failure names something else (a build id), as a mailbox's messages do, and nothing waits.
        for (int i = 0; i < 10_000; i++) {
            fault.failed(new IllegalStateException("no build " + i));
            clock.advance(Duration.ofMillis(1));
        }
        // 10 s of failures: the start, then one line each time a wait ran out (at 0.1, 0.3, 0.7, 1.5, 3.1, 6.3 s).
        assertEquals(7, log.lines.size(), () -> "the start and six changes: " + log.lines);
        assertEquals(10_000, fault.failures());
    }
}
