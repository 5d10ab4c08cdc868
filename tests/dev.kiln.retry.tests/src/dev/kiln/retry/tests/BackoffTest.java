package dev.kiln.retry.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.kiln.retry.Backoff;

class BackoffTest {

    @Test
    void doublesUpToItsMaximum() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertEquals(Duration.ofSeconds(1), backoff.delay(0));
        assertEquals(Duration.ofSeconds(2), backoff.delay(1));
        assertEquals(Duration.ofSeconds(16), backoff.delay(4));
        assertEquals(Duration.ofSeconds(30), backoff.delay(5));
        assertEquals(Duration.ofSeconds(30), backoff.delay(Integer.MAX_VALUE));
    }

    @Test
    void jitterLengthensEachWaitByAtMostItsShare() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)).withJitter(0.1);
        Random random = new Random(25);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration delay = backoff.delay(3, random);
            assertTrue(delay.compareTo(Duration.ofSeconds(8)) >= 0 && delay.compareTo(Duration.ofMillis(8800)) <= 0,
                    () -> "8 s plus at most a tenth: " + delay);
            seen.add(delay);
        }
        assertTrue(seen.size() > 10, "the waits differ: " + seen);
        assertEquals(Duration.ofSeconds(2), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)).delay(1, random),
                "no jitter, no randomness");
    }

    @Test
    void refusesAMaximumBelowTheStartAndAJitterOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.5));
        assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), Double.NaN));
    }
}
