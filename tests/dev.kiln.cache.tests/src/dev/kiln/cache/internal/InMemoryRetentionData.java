package dev.kiln.cache.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import dev.kiln.api.RetentionPolicy;
import dev.kiln.api.datastore.HeldPath;

/** The held paths of a test, with the roots and the needs of pending builds it sets. */
final class InMemoryRetentionData implements RetentionData {

    final Map<String, HeldPath> held = new ConcurrentHashMap<>();
    final Map<String, Instant> served = new ConcurrentHashMap<>();
    /** What the latest evaluations built, the builds tagged keep and the pending builds needed when a run began. */
    volatile Set<String> roots = Set.of();
    /** What pending builds need when the paths are deleted: builds submitted during the run. */
    volatile Set<String> neededAtDeletion = Set.of();

    @Override
    public List<HeldPath> heldPaths() {
        return List.copyOf(held.values());
    }

    @Override
    public Set<String> roots(RetentionPolicy policy) {
        return roots;
    }

    @Override
    public Set<String> deleteHeldPaths(Collection<String> paths, UnaryOperator<Set<String>> spared) {
        Set<String> spare = spared.apply(neededAtDeletion);
        Set<String> deleted = new HashSet<>();
        for (String path : paths) {
            if (!spare.contains(path) && held.remove(path) != null) {
                deleted.add(path);
            }
        }
        return deleted;
    }

    @Override
    public Set<String> heldNarHashes(Collection<String> narHashes) {
        Set<String> found = new HashSet<>();
        held.values().forEach(path -> {
            if (narHashes.contains(path.narHash())) {
                found.add(path.narHash());
            }
        });
        return found;
    }

    @Override
    public void recordServed(Map<String, Instant> byHashPart) {
        served.putAll(byHashPart);
    }

    @Override
    public int deleteEventsBefore(Instant cutoff) {
        return 0;
    }
}
