package dev.kiln.desktop.model.views;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

import dev.kiln.protocol.BuildInfo;

/**
 * The build list: the session's builds filtered and sorted by a {@link BuildListQuery}, computed off the UI thread
 * and published whole, so that a virtual table asks for rows by index at no cost. Recomputations requested while one
 * runs are folded into one more. Thread-safe; the listener is called on the scheduler's thread.
 */
public final class BuildListModel {

    /** One computed list. */
    public record Rows(BuildListQuery query, BuildInfo[] rows, Map<UUID, Integer> indexes, int total,
            SortedSet<String> systems, SortedSet<String> tagKeys) implements BuildRows {

        static final Rows EMPTY = new Rows(BuildListQuery.DEFAULT, new BuildInfo[0], Map.of(), 0, new TreeSet<>(),
                new TreeSet<>());

        @Override
        public int size() {
            return rows.length;
        }

        /** The build at {@code index}, or {@code null} when the index is outside the list. */
        @Override
        public BuildInfo row(int index) {
            return index >= 0 && index < rows.length ? rows[index] : null;
        }

        /** The index of the build, or -1 when not shown. */
        @Override
        public int indexOf(UUID id) {
            return indexes.getOrDefault(id, -1);
        }

        public List<BuildInfo> asList() {
            return Arrays.asList(rows);
        }
    }

    private final Supplier<List<BuildInfo>> source;
    private final Runnable listener;
    private final Object lock = new Object();
    private final Recomputation recomputation;

    private volatile Rows rows = Rows.EMPTY;
    private BuildListQuery query = BuildListQuery.DEFAULT;

    /** @param listener told, on the scheduler's thread, that {@link #rows()} changed */
    public BuildListModel(Supplier<List<BuildInfo>> source, Scheduler scheduler, Runnable listener) {
        this.source = source;
        this.listener = listener;
        this.recomputation = new Recomputation(scheduler, this::compute);
    }

    public Rows rows() {
        return rows;
    }

    public BuildListQuery query() {
        synchronized (lock) {
            return query;
        }
    }

    public void setQuery(BuildListQuery newQuery) {
        synchronized (lock) {
            query = newQuery;
        }
        refresh();
    }

    /** Recomputes from the source, now or right after the computation that is running. */
    public void refresh() {
        recomputation.request();
    }

    private void compute() {
        rows = computeRows(source.get(), query());
        listener.run();
    }

    /** The rows {@code query} selects from {@code builds}, in its order. */
    public static Rows computeRows(List<BuildInfo> builds, BuildListQuery query) {
        SortedSet<String> systems = new TreeSet<>();
        SortedSet<String> tagKeys = new TreeSet<>();
        for (BuildInfo build : builds) {
            systems.add(build.system());
            tagKeys.addAll(build.tags().keySet());
        }
        BuildInfo[] selected = builds.stream().filter(query.filter()).sorted(query.sortBy().order(query.ascending()))
                .toArray(BuildInfo[]::new);
        Map<UUID, Integer> indexes = new HashMap<>(selected.length * 2);
        for (int i = 0; i < selected.length; i++) {
            indexes.put(selected[i].id(), i);
        }
        return new Rows(query, selected, indexes, builds.size(), systems, tagKeys);
    }
}
