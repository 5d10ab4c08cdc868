package dev.kiln.desktop.model.views;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.desktop.model.BuildFilter;
import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.EventInfo;

/**
 * The builds of one coordinator: how many are in each state, and the most recent ones (for the throughput chart and
 * the text search), those an event names read again in batches. Thread-safe; listeners hear changes on background
 * threads.
 */
public final class BuildsModel extends TopicModel implements FarmTopic {

    /** Builds asked for per page when listing. */
    public static final int PAGE_SIZE = 1000;
    /** How many pages of the most recent builds are kept: the rest is asked for page by page as it is shown. */
    public static final int RECENT_PAGES = 5;
    /** How many builds are kept at most: the newest, those listed and those events changed. */
    public static final int RECENT_BUILDS = 2 * RECENT_PAGES * PAGE_SIZE;
    static final Duration EVENT_COALESCING = Duration.ofMillis(250);

    private static final Logger LOG = LoggerFactory.getLogger(BuildsModel.class);

    private final FarmConnection connection;
    private final ConnectionSupervisor supervisor;
    private final BuildStore builds = new BuildStore();
    private final Set<UUID> changed = new HashSet<>();
    private final Coalescer changedRefresh;
    private volatile Map<BuildState, Long> counts = Map.of();
    private volatile boolean listed;

    public BuildsModel(FarmConnection connection, Scheduler scheduler, ConnectionSupervisor supervisor) {
        this.connection = connection;
        this.supervisor = supervisor;
        this.changedRefresh = new Coalescer(scheduler, EVENT_COALESCING, this::refreshChanged);
    }

    public BuildStore store() {
        return builds;
    }

    /** Whether the first listing of recent builds arrived (an empty store before that means "loading"). */
    public boolean listed() {
        return listed;
    }

    /** How many builds the coordinator holds in each state; empty until counted. */
    public Map<BuildState, Long> counts() {
        return counts;
    }

    /** How many builds the coordinator holds, or -1 until counted. */
    public long total() {
        Map<BuildState, Long> byState = counts;
        return byState.isEmpty() ? -1 : byState.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Counts the builds and lists the most recent ones. */
    @Override
    public void reload() throws FarmException {
        count();
        builds.beginListing();
        String cursor = null;
        for (int page = 0; page < RECENT_PAGES; page++) {
            BuildList listed = connection.listBuilds(BuildFilter.ALL, cursor, PAGE_SIZE);
            builds.putListed(listed.builds());
            cursor = listed.next();
            if (cursor == null) {
                break;
            }
            fire();
        }
        listed = true;
        builds.retainNewest(RECENT_BUILDS);
        fire();
    }

    /** Counts the builds again. */
    @Override
    public void refresh() throws FarmException {
        count();
        fire();
    }

    @Override
    public void onEvent(EventInfo event) {
        if (event.build() != null) {
            synchronized (changed) {
                changed.add(event.build());
            }
            changedRefresh.request();
        }
    }

    /** Puts the copies of builds an action answered with, and counts again. */
    void changed(List<BuildInfo> answered) {
        answered.forEach(builds::put);
        countQuietly();
        fire();
    }

    private void count() throws FarmException {
        counts = Map.copyOf(connection.countBuilds());
    }

    /** Counts the builds; a failure leaves the last counts, and the next event or refresh counts again. */
    private void countQuietly() {
        try {
            count();
        } catch (FarmException e) {
            LOG.warn("Cannot count the builds of {}: {}", connection.coordinator(), e.getMessage());
        }
    }

    private void refreshChanged() {
        List<UUID> ids;
        synchronized (changed) {
            ids = new ArrayList<>(changed);
            changed.clear();
        }
        for (UUID id : ids) {
            try {
                builds.put(connection.build(id));
            } catch (FarmException e) {
                if (e.kind() != FarmException.Kind.NOT_FOUND) {
                    supervisor.failed(e);
                    return;
                }
            }
        }
        builds.retainNewest(RECENT_BUILDS);
        countQuietly();
        fire();
    }
}
