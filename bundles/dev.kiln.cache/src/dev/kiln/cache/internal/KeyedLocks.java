package dev.kiln.cache.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per key (an upload's file, a build's log), kept only while some thread holds or waits for it: a lock per
 * key that stayed after its use would make the coordinator's heap grow with every build it ever ran.
 */
final class KeyedLocks<K> {

    /** A key's lock and how many threads hold or wait for it; {@code users} changes only inside the map's compute. */
    final class Held {
        private final K key;
        private final ReentrantLock lock = new ReentrantLock();
        private int users;

        private Held(K key) {
            this.key = key;
        }

        /** Releases the lock, forgetting it when no other thread holds or waits for it. */
        void unlock() {
            lock.unlock();
            locks.computeIfPresent(key, (ignored, held) -> --held.users == 0 ? null : held);
        }
    }

    private final ConcurrentHashMap<K, Held> locks = new ConcurrentHashMap<>();

    /** Waits for the key's lock; the caller unlocks the answer in a {@code finally}. */
    Held lock(K key) {
        Held held = locks.compute(key, (ignored, current) -> {
            Held taken = current == null ? new Held(key) : current;
            taken.users++;
            return taken;
        });
        held.lock.lock();
        return held;
    }

    /** The keys whose lock is held or awaited now. */
    int size() {
        return locks.size();
    }
}
