package dev.kiln.desktop.model.views;

import java.time.Instant;
import java.util.Comparator;

import dev.kiln.desktop.model.Build;

/** The columns of the build list, each with its order. */
public enum BuildColumn {
    STATE(Comparator.comparing(Build::state)),
    NAME(Comparator.comparing(Build::name)),
    SYSTEM(Comparator.comparing(Build::system)),
    PRIORITY(Comparator.comparingInt(Build::priority)),
    TAGS(Comparator.comparing(Build::tagsText)),
    CREATED(Comparator.comparing(Build::createdAt)),
    FINISHED(Comparator.comparing(Build::finishedAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())));

    private final Comparator<Build> order;

    BuildColumn(Comparator<Build> order) {
        this.order = order;
    }

    /** This column's order, ties broken by creation time then id so that the order is total. */
    public Comparator<Build> order(boolean ascending) {
        Comparator<Build> total = order.thenComparing(Build::createdAt).thenComparing(Build::id);
        return ascending ? total : total.reversed();
    }
}
