package dev.kiln.allocator.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import dev.kiln.api.QueuePosition;
import dev.kiln.api.Tag;
import dev.kiln.allocator.internal.AllocationPlan.Entry;

/**
 * The order of ready work, in one place: the ready builds in one queue per system, each split by class (the agent
 * tags and system features its builds require), and the order in which agents are given them.
 *
 * <p>The order: effective priority, highest first; among equal priorities, fair share: the share group (a jobset,
 * or the builds tagged {@code share=<value>}) that used the least build time over the last 24 hours relative to
 * its shares first, as {@link ShareUsage} counts it at the moment of the question; then submission, oldest first.
 * An agent draws only from the queues of its own systems, so the backlog of one system neither delays the agents of
 * another nor makes their fetches slower.
 *
 * <p>Within a class, builds sit by priority level, then by share group, then by submission; the order of a fetch
 * merges the heads of the few levels and groups it can take. Use of the build time changes between two fetches,
 * so the order among groups is decided at each question, at the cost of one look-up per group. Not thread-safe:
 * owned by the allocator's thread.
 */
final class ReadyQueues {

    private static final Comparator<Entry> SUBMISSION = Comparator.comparingLong((Entry e) -> e.sequence)
            .thenComparing(e -> e.id);

    private final ShareUsage usage;
    private final Map<String, Map<ClassKey, ClassQueue>> bySystem = new HashMap<>();
    private int size;

    ReadyQueues(ShareUsage usage) {
        this.usage = usage;
    }

    /** Adds a ready build, by its current effective priority and share group. */
    void add(Entry entry) {
        ClassQueue queue = bySystem.computeIfAbsent(entry.system, k -> new HashMap<>())
                .computeIfAbsent(entry.classKey(), ClassQueue::new);
        if (queue.levels.computeIfAbsent(entry.effective, k -> new HashMap<>())
                .computeIfAbsent(entry.group, k -> new TreeSet<>(SUBMISSION)).add(entry)) {
            queue.size++;
            size++;
        }
    }

    /** Removes a ready build; call it before its effective priority changes. */
    void remove(Entry entry) {
        Map<ClassKey, ClassQueue> classes = bySystem.get(entry.system);
        ClassQueue queue = classes == null ? null : classes.get(entry.classKey());
        Map<Tag, NavigableSet<Entry>> groups = queue == null ? null : queue.levels.get(entry.effective);
        NavigableSet<Entry> group = groups == null ? null : groups.get(entry.group);
        if (group == null || !group.remove(entry)) {
            return;
        }
        queue.size--;
        size--;
        if (group.isEmpty()) {
            groups.remove(entry.group);
            if (groups.isEmpty()) {
                queue.levels.remove(entry.effective);
                if (queue.levels.isEmpty()) {
                    classes.remove(queue.key);
                    if (classes.isEmpty()) {
                        bySystem.remove(entry.system);
                    }
                }
            }
        }
    }

    int size() {
        return size;
    }

    /** The queues of these systems whose class passes the test. */
    List<ClassQueue> matching(Collection<String> systems, Predicate<ClassKey> able) {
        List<ClassQueue> queues = new ArrayList<>();
        for (String system : systems) {
            for (ClassQueue queue : bySystem.getOrDefault(system, Map.of()).values()) {
                if (able.test(queue.key)) {
                    queues.add(queue);
                }
            }
        }
        return queues;
    }

    /** The builds of these queues in the order agents are given them, as of {@code now}, without taking them. */
    Iterator<Entry> ordered(List<ClassQueue> queues, long now) {
        return new Merge(queues, new Order(now));
    }

    /** Takes the first {@code count} builds of these queues out of them, in order. */
    List<Entry> take(List<ClassQueue> queues, int count, long now) {
        List<Entry> taken = new ArrayList<>();
        Iterator<Entry> ordered = ordered(queues, now);
        while (taken.size() < count && ordered.hasNext()) {
            taken.add(ordered.next());
        }
        taken.forEach(this::remove);
        return taken;
    }

    /**
     * Where a ready build stands among the ready builds of its system; see
     * {@link dev.kiln.api.AllocationPlanService#position}. Costs a pass over the builds of its system at its
     * priority and of its share, and over those listed.
     */
    Optional<QueuePosition> position(Entry target, int limit, long now) {
        Collection<ClassQueue> queues = bySystem.getOrDefault(target.system, Map.of()).values();
        Order order = new Order(now);
        double targetShare = order.usedPerShare(target.group);
        boolean found = false;
        int ready = 0;
        int byPriority = 0;
        int byShare = 0;
        int bySubmission = 0;
        for (ClassQueue queue : queues) {
            ready += queue.size;
            for (Map.Entry<Integer, Map<Tag, NavigableSet<Entry>>> level : queue.levels.entrySet()) {
                if (level.getKey() < target.effective) {
                    break;
                }
                for (Map.Entry<Tag, NavigableSet<Entry>> group : level.getValue().entrySet()) {
                    NavigableSet<Entry> entries = group.getValue();
                    if (level.getKey() > target.effective) {
                        byPriority += entries.size();
                        continue;
                    }
                    found |= entries.contains(target);
                    int share = Double.compare(order.usedPerShare(group.getKey()), targetShare);
                    if (share < 0) {
                        byShare += entries.size();
                    } else if (share == 0) {
                        for (Entry entry : entries) {
                            if (SUBMISSION.compare(entry, target) >= 0) {
                                break;
                            }
                            bySubmission++;
                        }
                    }
                }
            }
        }
        if (!found) {
            return Optional.empty();
        }
        List<QueuePosition.Ahead> ahead = new ArrayList<>();
        Iterator<Entry> ordered = new Merge(new ArrayList<>(queues), order);
        while (ahead.size() < limit && ordered.hasNext()) {
            Entry entry = ordered.next();
            if (entry == target) {
                break;
            }
            QueuePosition.Reason reason = entry.effective > target.effective ? QueuePosition.Reason.HIGHER_PRIORITY
                    : order.usedPerShare(entry.group) < targetShare ? QueuePosition.Reason.FAIR_SHARE
                    : QueuePosition.Reason.SUBMITTED_EARLIER;
            ahead.add(new QueuePosition.Ahead(entry.id, entry.derivation, entry.effective, entry.group, reason));
        }
        int before = byPriority + byShare + bySubmission;
        return Optional.of(new QueuePosition(target.id, target.system, before + 1, ready, target.group,
                usage.shares(target.group), usage.usedMillis(target.group, now) / 1000.0, byPriority, byShare,
                bySubmission, ahead));
    }

    /** A class of builds that share their queue: same system, same required tags, same required features. */
    record ClassKey(String system, Set<Tag> required, Set<String> features) {
    }

    /** The ready builds of one class: by effective priority, highest first, then by share group. */
    static final class ClassQueue {
        final ClassKey key;
        final TreeMap<Integer, Map<Tag, NavigableSet<Entry>>> levels = new TreeMap<>(Comparator.reverseOrder());
        int size;

        ClassQueue(ClassKey key) {
            this.key = key;
        }
    }

    /** The order of ready builds at one moment: each group's use of its shares is read once. */
    private final class Order implements Comparator<Entry> {
        private final long now;
        private final Map<Tag, Double> perShare = new HashMap<>();

        Order(long now) {
            this.now = now;
        }

        double usedPerShare(Tag group) {
            return perShare.computeIfAbsent(group, g -> usage.usedPerShare(g, now));
        }

        @Override
        public int compare(Entry a, Entry b) {
            int byPriority = Integer.compare(b.effective, a.effective);
            if (byPriority != 0) {
                return byPriority;
            }
            int byShare = Double.compare(usedPerShare(a.group), usedPerShare(b.group));
            return byShare != 0 ? byShare : SUBMISSION.compare(a, b);
        }
    }

    /**
     * Merges the heads of the queues' groups at their highest level; a queue's next level opens when its current
     * one is exhausted, as nothing in it can go before what is left at a higher one.
     */
    private static final class Merge implements Iterator<Entry> {
        private final PriorityQueue<Cursor> heads;

        Merge(List<ClassQueue> queues, Order order) {
            heads = new PriorityQueue<>(Math.max(1, queues.size()), (a, b) -> order.compare(a.head, b.head));
            for (ClassQueue queue : queues) {
                openNextLevel(new Levels(queue.levels.values().iterator()));
            }
        }

        @Override
        public boolean hasNext() {
            return !heads.isEmpty();
        }

        @Override
        public Entry next() {
            Cursor cursor = heads.poll();
            if (cursor == null) {
                throw new NoSuchElementException();
            }
            if (cursor.rest.hasNext()) {
                heads.add(new Cursor(cursor.levels, cursor.rest, cursor.rest.next()));
            } else if (--cursor.levels.open == 0) {
                openNextLevel(cursor.levels);
            }
            return cursor.head;
        }

        private void openNextLevel(Levels levels) {
            while (levels.open == 0 && levels.rest.hasNext()) {
                for (NavigableSet<Entry> group : levels.rest.next().values()) {
                    Iterator<Entry> iterator = group.iterator();
                    if (iterator.hasNext()) {
                        heads.add(new Cursor(levels, iterator, iterator.next()));
                        levels.open++;
                    }
                }
            }
        }

        /** The levels of one queue not opened yet, and how many groups of its open level are not exhausted. */
        private static final class Levels {
            final Iterator<Map<Tag, NavigableSet<Entry>>> rest;
            int open;

            Levels(Iterator<Map<Tag, NavigableSet<Entry>>> rest) {
                this.rest = rest;
            }
        }

        private record Cursor(Levels levels, Iterator<Entry> rest, Entry head) {
        }
    }
}
