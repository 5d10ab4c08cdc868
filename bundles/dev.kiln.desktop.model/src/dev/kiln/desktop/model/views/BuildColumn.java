package dev.kiln.desktop.model.views;

import java.time.Instant;
import java.util.Comparator;

import dev.kiln.desktop.model.Build;
import dev.kiln.desktop.model.BuildSort;

/** The columns of the build list, each with its order, and the coordinator's sort when it has one. */
public enum BuildColumn {
    STATE(Comparator.comparing(Build::state), BuildSort.STATE),
    // The coordinator sorts derivations by store path, that is by hash: the name order is only local.
    NAME(Comparator.comparing(Build::name), null),
    SYSTEM(Comparator.comparing(Build::system), BuildSort.SYSTEM),
    PRIORITY(Comparator.comparingInt(Build::priority), BuildSort.PRIORITY),
    TAGS(Comparator.comparing(Build::tagsText), null),
    CREATED(Comparator.comparing(Build::createdAt), BuildSort.SUBMITTED),
    FINISHED(Comparator.comparing(Build::finishedAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())), null);

    private final Comparator<Build> order;
    private final BuildSort serverSort;

    BuildColumn(Comparator<Build> order, BuildSort serverSort) {
        this.order = order;
        this.serverSort = serverSort;
    }

    /** How the coordinator sorts by this column, or {@code null} when it cannot. */
    public BuildSort serverSort() {
        return serverSort;
    }

    /** This column's order, ties broken by creation time then id so that the order is total. */
    public Comparator<Build> order(boolean ascending) {
        Comparator<Build> total = order.thenComparing(Build::createdAt).thenComparing(Build::id);
        return ascending ? total : total.reversed();
    }
}
