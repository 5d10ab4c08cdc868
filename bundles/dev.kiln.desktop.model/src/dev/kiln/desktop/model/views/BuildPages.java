package dev.kiln.desktop.model.views;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;

/**
 * The build list as the coordinator filters and sorts it, sized by its count of matching builds and read page by page
 * as rows are asked for, so that a table of 100,000 builds costs only the pages shown. Pages follow cursors from the
 * start or, for rows nearer the end, from the end in the opposite order, whichever takes fewer requests. A refresh
 * keeps showing the rows read before until their pages are read again. Thread-safe; the listener is called on the
 * scheduler's thread after each page.
 */
public final class BuildPages implements BuildRows {

    /** Builds asked for per request. */
    public static final int PAGE = 500;
    /** A bound on the requests of one load, so that endless cursors cannot hold the scheduler. */
    static final int MAX_REQUESTS = 1000;
    /** Rows asked for and not read yet that are remembered; older ones scrolled by and are asked for again if shown. */
    static final int MAX_WANTED = 2 * PAGE;

    /** The next request to make: a page from the start ({@code fromEnd} false) or from the end. */
    private record Request(int generation, BuildListQuery query, boolean fromEnd, int page, String cursor) {
    }

    private final FarmConnection connection;
    private final Runnable listener;
    private final Recomputation loader;
    private final Object lock = new Object();

    // Guarded by lock.
    private BuildListQuery query;
    private int generation;
    private long total = -1;
    private Map<Integer, BuildInfo> rows = new HashMap<>();
    private Map<Integer, BuildInfo> stale = Map.of();
    /** The cursor of each page from the start that can be asked for; the first page's is null. */
    private final List<String> fromStart = new ArrayList<>();
    /** The same from the end, in the opposite order. */
    private final List<String> fromEnd = new ArrayList<>();
    private final LinkedHashSet<Integer> wanted = new LinkedHashSet<>();
    private String problem = "";

    /** @param listener told, on the scheduler's thread, that rows or the size changed */
    public BuildPages(FarmConnection connection, Scheduler scheduler, Runnable listener) {
        this.connection = connection;
        this.listener = listener;
        this.loader = new Recomputation(scheduler, this::load);
    }

    /** Lists the builds {@code newQuery} selects, in its order, forgetting the rows read so far. */
    public void setQuery(BuildListQuery newQuery) {
        synchronized (lock) {
            query = newQuery;
            total = -1;
            stale = Map.of();
            restart();
        }
        loader.request();
    }

    /** Reads the count and the rows shown again; the rows read before are shown until then. */
    public void refresh() {
        synchronized (lock) {
            if (query == null) {
                return;
            }
            Map<Integer, BuildInfo> previous = new HashMap<>(stale);
            previous.putAll(rows);
            stale = previous;
            restart();
        }
        loader.request();
    }

    public BuildListQuery query() {
        synchronized (lock) {
            return query;
        }
    }

    /** How many builds match, or -1 before the first page arrived. */
    public long total() {
        synchronized (lock) {
            return total;
        }
    }

    /** Why the last request failed, or empty. */
    public String problem() {
        synchronized (lock) {
            return problem;
        }
    }

    @Override
    public int size() {
        synchronized (lock) {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, total));
        }
    }

    @Override
    public BuildInfo row(int index) {
        BuildInfo build;
        boolean load = false;
        synchronized (lock) {
            build = rows.get(index);
            if (build == null && query != null && index >= 0 && (total < 0 || index < total)) {
                load = wanted.add(index);
                if (wanted.size() > MAX_WANTED) {
                    wanted.removeFirst();
                }
                build = stale.get(index);
            }
        }
        if (load) {
            loader.request();
        }
        return build;
    }

    @Override
    public int indexOf(UUID id) {
        synchronized (lock) {
            for (Map.Entry<Integer, BuildInfo> row : rows.entrySet()) {
                if (row.getValue().id().equals(id)) {
                    return row.getKey();
                }
            }
            return -1;
        }
    }

    /** Guarded by lock. Forgets cursors and fresh rows; the first page is wanted for the count. */
    private void restart() {
        generation++;
        rows = new HashMap<>();
        fromStart.clear();
        fromStart.add(null);
        fromEnd.clear();
        fromEnd.add(null);
        wanted.clear();
        wanted.add(0);
        problem = "";
    }

    private void load() {
        for (int requests = 0; requests < MAX_REQUESTS; requests++) {
            Request request;
            synchronized (lock) {
                request = next();
            }
            if (request == null) {
                return;
            }
            BuildList page;
            try {
                page = connection.listBuilds(request.query().coordinatorFilter(), request.query().sortBy().serverSort(),
                        request.query().ascending() != request.fromEnd(), request.cursor(), PAGE);
            } catch (FarmException e) {
                synchronized (lock) {
                    if (generation == request.generation()) {
                        problem = e.getMessage();
                        wanted.clear();
                    }
                }
                listener.run();
                return;
            }
            synchronized (lock) {
                if (generation != request.generation()) {
                    continue;
                }
                put(request, page);
            }
            listener.run();
        }
    }

    /**
     * Guarded by lock. The request that brings the row asked for last nearer (the one on screen now), or {@code null}
     * when none is wanted.
     */
    private Request next() {
        wanted.removeIf(index -> rows.containsKey(index) || total >= 0 && index >= total);
        if (wanted.isEmpty() || query == null) {
            return null;
        }
        int index = wanted.getLast();
        if (total < 0) {
            return new Request(generation, query, false, 0, null);
        }
        int startPage = index / PAGE;
        int endPage = (int) ((total - 1 - index) / PAGE);
        int startReachable = Math.min(startPage, fromStart.size() - 1);
        int endReachable = Math.min(endPage, fromEnd.size() - 1);
        if (startPage - startReachable <= endPage - endReachable) {
            return new Request(generation, query, false, startReachable, fromStart.get(startReachable));
        }
        return new Request(generation, query, true, endReachable, fromEnd.get(endReachable));
    }

    /** Guarded by lock. */
    private void put(Request request, BuildList page) {
        if (page.total() != null) {
            total = page.total();
        }
        List<String> cursors = request.fromEnd() ? fromEnd : fromStart;
        if (page.next() != null && cursors.size() == request.page() + 1) {
            cursors.add(page.next());
        }
        for (int i = 0; i < page.builds().size(); i++) {
            long position = (long) request.page() * PAGE + i;
            long index = request.fromEnd() ? total - 1 - position : position;
            if (index >= 0 && index < total) {
                rows.put((int) index, page.builds().get(i));
            }
        }
        if (page.next() == null && !request.fromEnd() && page.builds().size() < PAGE) {
            // The last page from the start: what the count said may be older than the listing.
            total = (long) request.page() * PAGE + page.builds().size();
        }
    }
}
