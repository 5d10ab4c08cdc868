package dev.kiln.desktop.model.views;

import java.time.Instant;
import java.util.Comparator;

import dev.kiln.desktop.model.BuildSort;
import dev.kiln.protocol.BuildInfo;

/** The columns of the build list, each with its order, and the coordinator's sort when it has one. */
public enum BuildColumn {
    STATE(Comparator.comparing(BuildInfo::state), BuildSort.STATE),
    // The coordinator sorts derivations by store path, that is by hash: the name order is only local.
    NAME(Comparator.comparing(Builds::name), null),
    SYSTEM(Comparator.comparing(BuildInfo::system), BuildSort.SYSTEM),
    PRIORITY(Comparator.comparingInt(BuildInfo::priority), BuildSort.PRIORITY),
    TAGS(Comparator.comparing(Builds::tagsText), null),
    CREATED(Comparator.comparing(BuildInfo::createdAt), BuildSort.SUBMITTED),
    FINISHED(Comparator.comparing(BuildInfo::finishedAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())), null);

    private final Comparator<BuildInfo> order;
    private final BuildSort serverSort;

    BuildColumn(Comparator<BuildInfo> order, BuildSort serverSort) {
        this.order = order;
        this.serverSort = serverSort;
    }

    /** How the coordinator sorts by this column, or {@code null} when it cannot. */
    public BuildSort serverSort() {
        return serverSort;
    }

    /** This column's order, ties broken by creation time then id so that the order is total. */
    public Comparator<BuildInfo> order(boolean ascending) {
        Comparator<BuildInfo> total = order.thenComparing(BuildInfo::createdAt).thenComparing(BuildInfo::id);
        return ascending ? total : total.reversed();
    }
}
