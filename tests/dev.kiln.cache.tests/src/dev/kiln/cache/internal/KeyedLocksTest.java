package dev.kiln.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class KeyedLocksTest {

    @Test
    void forgetsEveryLockOnceReleased() {
        KeyedLocks<UUID> locks = new KeyedLocks<>();
        for (int i = 0; i < 1_000; i++) {
            KeyedLocks<UUID>.Held held = locks.lock(UUID.randomUUID());
            held.unlock();
        }
        assertEquals(0, locks.size());
    }

    @Test
    void reentrantHoldIsForgottenAfterTheLastRelease() {
        KeyedLocks<String> locks = new KeyedLocks<>();
        KeyedLocks<String>.Held outer = locks.lock("out");
        KeyedLocks<String>.Held inner = locks.lock("out");
        inner.unlock();
        assertEquals(1, locks.size());
        outer.unlock();
        assertEquals(0, locks.size());
    }

    @Test
    void aSecondThreadWaitsForTheKeyAndTheLockIsForgottenAfterBoth() throws InterruptedException {
        KeyedLocks<String> locks = new KeyedLocks<>();
        KeyedLocks<String>.Held first = locks.lock("out");
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch acquired = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        Thread second = Thread.ofVirtual().start(() -> {
            waiting.countDown();
            KeyedLocks<String>.Held held = locks.lock("out");
            acquired.countDown();
            try {
                releaseSecond.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                held.unlock();
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        assertFalse(acquired.await(200, TimeUnit.MILLISECONDS), "the key's lock is held by the first thread");
        KeyedLocks<String>.Held other = locks.lock("other");
        other.unlock();
        first.unlock();
        assertTrue(acquired.await(10, TimeUnit.SECONDS));
        assertEquals(1, locks.size());
        releaseSecond.countDown();
        second.join(10_000);
        assertFalse(second.isAlive());
        assertEquals(0, locks.size());
    }
}
