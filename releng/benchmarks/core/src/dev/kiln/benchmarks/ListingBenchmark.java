package dev.kiln.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildSort;
import dev.kiln.api.BuildState;
import dev.kiln.datastore.jpa.internal.DatastoreOptions;
import dev.kiln.datastore.jpa.internal.JpaDatastore;

/**
 * What the desktop's overview and its build table ask of the datastore, on the core benchmark's database of
 * 1,000,000 builds: counts by state, the first pages of the list in each sort, a page deep into a sorted list.
 */
public final class ListingBenchmark {

    private static final int RUNS = 3;

    private ListingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path database = Path.of(args[0]).resolve("million");
        if (!Files.isDirectory(database)) {
            throw new IllegalStateException("no database at " + database
                    + ": run releng/benchmarks/core/run.sh fill first");
        }
        long start = System.nanoTime();
        JpaDatastore datastore = JpaDatastore.open(DatastoreOptions.embeddedDerby(database));
        print("open (and the schema migrations it needs)", (System.nanoTime() - start) / 1e6);
        try {
            time("counts by state, every build", () -> datastore.read(r -> r.buildCounts(BuildQuery.all(1))));
            time("counts by state, one system", () -> datastore.read(r -> r.buildCounts(BuildQuery.all(1)
                    .withSystem("aarch64-linux"))));
            time("counts by state, scheduled and failed", () -> datastore.read(r -> r.buildCounts(BuildQuery.all(1)
                    .withStates(Set.of(BuildState.SCHEDULED, BuildState.FAILED)))));
            for (BuildSort sort : BuildSort.values()) {
                for (boolean ascending : List.of(false, true)) {
                    time("first page of 100, " + sort + (ascending ? " asc" : " desc"),
                            () -> datastore.read(r -> r.builds(BuildQuery.all(100).sortedBy(sort, ascending))));
                }
            }
            time("first page of 100, failed, newest first", () -> datastore.read(r -> r.builds(BuildQuery.all(100)
                    .withStates(Set.of(BuildState.FAILED)))));
            time("first page of 100, one system, newest first", () -> datastore.read(r -> r.builds(
                    BuildQuery.all(100).withSystem("aarch64-linux"))));
            time("page 50 of 100 by priority, following cursors", () -> {
                BuildQuery query = BuildQuery.all(100).sortedBy(BuildSort.PRIORITY, false);
                BuildPage page = null;
                for (int i = 0; i < 50; i++) {
                    BuildQuery current = query;
                    page = datastore.read(r -> r.builds(current));
                    query = query.withCursor(page.nextCursor());
                }
                return page;
            });
        } finally {
            datastore.close();
        }
    }

    private static void time(String what, Supplier<?> work) {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            work.get();
            millis.add((System.nanoTime() - start) / 1e6);
        }
        print(what, millis.stream().sorted().toList().get(RUNS / 2));
    }

    private static void print(String what, double millis) {
        System.out.printf("%-55s %10.1f ms%n", what, millis);
    }
}
