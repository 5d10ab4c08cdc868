package dev.kiln.cache.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.kiln.api.RetentionPolicy;
import dev.kiln.api.datastore.HeldPath;
import dev.kiln.store.Hash;

/**
 * What a policy keeps of the held paths, and what goes: pure, decided on a snapshot. The kept set is closed under
 * references, so every kept path's closure stays whole; the paths that go are ordered referrers first, so that
 * deleting them in order never leaves a held path referring to one that is gone.
 */
final class RetentionPlan {

    private final Map<String, HeldPath> held;
    private final Map<String, Long> objectSizes;
    private final Set<String> kept = new HashSet<>();
    private final Set<String> keptKeys = new HashSet<>();
    private final List<String> dropped;
    private long keptBytes;

    /**
     * @param paths       every held path
     * @param objectSizes the size of every NAR object in the store, by key
     * @param roots       paths kept whatever the policy says: the latest evaluations' outputs, the outputs of builds
     *                    tagged keep, what pending builds need (those not held are ignored)
     * @param policy      the rest of the policy: the age and the storage limit
     * @param now         the time ages are counted from
     */
    RetentionPlan(Collection<HeldPath> paths, Map<String, Long> objectSizes, Set<String> roots, RetentionPolicy policy,
            Instant now) {
        this.held = new HashMap<>();
        paths.forEach(path -> held.put(path.path(), path));
        this.objectSizes = objectSizes;
        Instant youngest = now.minus(Duration.ofDays(policy.keepDays()));
        for (HeldPath path : held.values()) {
            if (roots.contains(path.path()) || (policy.keepDays() > 0 && path.storedAt().isAfter(youngest))) {
                keep(closure(path.path(), kept));
            }
        }
        if (policy.storageLimitBytes() > 0) {
            long others = 0;
            Set<String> heldKeys = new HashSet<>();
            held.values().forEach(path -> heldKeys.add(narKey(path)));
            for (Map.Entry<String, Long> object : objectSizes.entrySet()) {
                if (!heldKeys.contains(object.getKey())) {
                    others += object.getValue();
                }
            }
            long budget = policy.storageLimitBytes() - others;
            List<HeldPath> rest = new ArrayList<>(held.values());
            rest.removeIf(path -> kept.contains(path.path()));
            rest.sort(Comparator.comparing(HeldPath::lastUsed).reversed().thenComparing(HeldPath::path));
            for (HeldPath path : rest) {
                if (kept.contains(path.path())) {
                    continue;
                }
                List<String> closure = closure(path.path(), kept);
                if (keptBytes + bytes(closure) > budget) {
                    break;
                }
                keep(closure);
            }
        }
        this.dropped = referrersFirst();
    }

    /** The key of a path's NAR object. */
    static String narKey(HeldPath path) {
        return FileBinaryCache.narKey(Hash.parse(path.narHash()));
    }

    /** The key of a held path's NAR object. */
    String narKeyOf(String path) {
        return narKey(held.get(path));
    }

    List<String> dropped() {
        return dropped;
    }

    boolean keeps(String path) {
        return kept.contains(path);
    }

    int keptPaths() {
        return kept.size();
    }

    /** The bytes of the NAR objects of the kept paths. */
    long keptBytes() {
        return keptBytes;
    }

    /** The keys of the NAR objects no kept path has; others (a path held since) are checked before deleting. */
    Set<String> droppedKeys() {
        Set<String> keys = new HashSet<>();
        for (String path : dropped) {
            String key = narKey(held.get(path));
            if (!keptKeys.contains(key) && objectSizes.containsKey(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The bytes of these objects' keys, as stored. */
    long bytesOf(Collection<String> keys) {
        long bytes = 0;
        for (String key : keys) {
            bytes += objectSizes.getOrDefault(key, 0L);
        }
        return bytes;
    }

    /** These paths (among those that go) and everything they refer to that goes too. */
    Set<String> closureAmongDropped(Collection<String> paths) {
        Set<String> found = new HashSet<>();
        for (String path : paths) {
            if (held.containsKey(path) && !kept.contains(path) && !found.contains(path)) {
                found.addAll(closure(path, kept));
            }
        }
        return found;
    }

    private void keep(List<String> paths) {
        for (String path : paths) {
            if (kept.add(path)) {
                String key = narKey(held.get(path));
                if (keptKeys.add(key)) {
                    keptBytes += objectSizes.getOrDefault(key, 0L);
                }
            }
        }
    }

    /** The bytes that keeping these paths adds. */
    private long bytes(List<String> paths) {
        long bytes = 0;
        Set<String> counted = new HashSet<>();
        for (String path : paths) {
            String key = narKey(held.get(path));
            if (!keptKeys.contains(key) && counted.add(key)) {
                bytes += objectSizes.getOrDefault(key, 0L);
            }
        }
        return bytes;
    }

    /** The held paths in a path's closure that are not in {@code excluded} (whose closures are there already). */
    private List<String> closure(String start, Set<String> excluded) {
        List<String> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.push(start);
        while (!todo.isEmpty()) {
            String path = todo.pop();
            HeldPath known = held.get(path);
            if (known == null || excluded.contains(path) || !seen.add(path)) {
                continue;
            }
            found.add(path);
            known.references().forEach(todo::push);
        }
        return found;
    }

    /** The paths not kept, each before the paths it refers to (Kahn's order over the references among them). */
    private List<String> referrersFirst() {
        Map<String, Integer> referrers = new HashMap<>();
        for (HeldPath path : held.values()) {
            if (!kept.contains(path.path())) {
                referrers.putIfAbsent(path.path(), 0);
                for (String reference : path.references()) {
                    if (!reference.equals(path.path()) && held.containsKey(reference) && !kept.contains(reference)) {
                        referrers.merge(reference, 1, Integer::sum);
                    }
                }
            }
        }
        Deque<String> ready = new ArrayDeque<>();
        referrers.forEach((path, count) -> {
            if (count == 0) {
                ready.add(path);
            }
        });
        List<String> order = new ArrayList<>(referrers.size());
        while (!ready.isEmpty()) {
            String path = ready.poll();
            order.add(path);
            for (String reference : held.get(path).references()) {
                if (!reference.equals(path) && referrers.containsKey(reference)
                        && referrers.merge(reference, -1, Integer::sum) == 0) {
                    ready.add(reference);
                }
            }
        }
        return order;
    }
}
