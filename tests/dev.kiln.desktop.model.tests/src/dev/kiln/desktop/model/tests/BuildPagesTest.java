package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.BuildFilter;
import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.tests.fake.ManualScheduler;
import dev.kiln.desktop.model.views.BuildColumn;
import dev.kiln.desktop.model.views.BuildListQuery;
import dev.kiln.desktop.model.views.BuildPages;
import dev.kiln.desktop.model.views.Builds;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;

class BuildPagesTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");
    private static final int BUILDS = 20_000;

    private final ManualScheduler scheduler = new ManualScheduler(T0);
    private final FakeFarm farm = new FakeFarm();
    private final AtomicInteger changes = new AtomicInteger();
    private final BuildPages pages = new BuildPages(farm, scheduler, changes::incrementAndGet);

    BuildPagesTest() {
        for (int i = 0; i < BUILDS; i++) {
            farm.addBuild("pkg-" + i, i % 4 == 0 ? "aarch64-linux" : "x86_64-linux",
                    i % 10 == 0 ? BuildState.FAILED : BuildState.SUCCEEDED, i % 7, Map.of(), T0.plusSeconds(i),
                    T0.plusSeconds(i + 5));
        }
    }

    @Test
    void isSizedByTheCoordinatorsCountAndReadsOnlyThePagesAskedFor() {
        pages.setQuery(BuildListQuery.DEFAULT);
        assertEquals(BUILDS, pages.size());
        assertEquals(1, farm.listings(), "the first page brings the count");
        assertEquals("pkg-" + (BUILDS - 1) + ".drv", Builds.name(pages.row(0)), "newest first");

        int last = BUILDS - 1;
        assertNull(pages.row(last), "not read yet");
        assertEquals("pkg-0.drv", Builds.name(pages.row(last)));
        assertEquals(2, farm.listings(), "the last row is read from the end, in one request");

        int middle = BUILDS / 2;
        pages.row(middle);
        BuildInfo shown = pages.row(middle);
        assertEquals("pkg-" + (BUILDS - 1 - middle) + ".drv", Builds.name(shown));
        assertTrue(farm.listings() <= 2 + BUILDS / BuildPages.PAGE / 2 + 1,
                "the middle is reached from the nearer end: " + farm.listings());
        assertEquals(middle, pages.indexOf(shown.id()));
        assertTrue(changes.get() > 0, "the view heard of the pages");
    }

    @Test
    void letsTheCoordinatorFilterAndSort() {
        pages.setQuery(BuildListQuery.DEFAULT.withStates(Set.of(BuildState.FAILED)).withSystem("aarch64-linux")
                .sortedBy(BuildColumn.PRIORITY));
        assertEquals(BUILDS / 20, pages.size(), "every 20th build is a failed aarch64 one");
        assertEquals(0, pages.row(0).priority(), "smallest priority first");
        int last = pages.size() - 1;
        pages.row(last);
        assertEquals(6, pages.row(last).priority());
        for (int i = 0; i < 50; i++) {
            BuildInfo build = pages.row(i);
            assertEquals(BuildState.FAILED, build.state());
            assertEquals("aarch64-linux", build.system());
        }

        pages.setQuery(BuildListQuery.DEFAULT.sortedBy(BuildColumn.PRIORITY).sortedBy(BuildColumn.PRIORITY));
        assertEquals(6, pages.row(0).priority(), "the second click sorts the other way");
    }

    @Test
    void keepsShowingWhatItReadUntilARefreshReadsItAgain() {
        pages.setQuery(BuildListQuery.DEFAULT.withStates(Set.of(BuildState.FAILED)));
        BuildInfo first = pages.row(0);
        assertEquals(BUILDS / 10, pages.size());

        farm.transition(first.id(), BuildState.CANCELED, T0);
        farm.addBuild("newest", "x86_64-linux", BuildState.FAILED, 0, Map.of(), T0.plusSeconds(BUILDS), T0);
        pages.refresh();

        assertEquals(BUILDS / 10, pages.size(), "one failed build fewer, one more");
        assertEquals("newest.drv", Builds.name(pages.row(0)));
        assertFalse(pages.row(1).id().equals(first.id()), "the canceled build left the list");
        assertEquals("", pages.problem());

        farm.setDown(true);
        pages.refresh();
        assertTrue(pages.problem().contains("connection refused"), pages.problem());
        assertEquals("newest.drv", Builds.name(pages.row(0)), "what was read stays shown while the coordinator is down");
    }

    @Test
    void leavesTextSearchesKeyOnlyTagsAndOrdersItCannotSortToTheRecentBuilds() {
        BuildListQuery all = BuildListQuery.DEFAULT;
        assertTrue(all.servedByCoordinator());
        assertTrue(all.withTag("team=ci").sortedBy(BuildColumn.PRIORITY).servedByCoordinator());
        assertFalse(all.withText("hello").servedByCoordinator());
        assertFalse(all.withTag("team").servedByCoordinator());
        assertFalse(all.sortedBy(BuildColumn.NAME).servedByCoordinator(), "it sorts store paths, not names");
        assertFalse(all.sortedBy(BuildColumn.FINISHED).servedByCoordinator());
        assertEquals(new BuildFilter(Set.of(BuildState.FAILED), "x86_64-linux", "team=ci"),
                all.withStates(Set.of(BuildState.FAILED)).withSystem("x86_64-linux").withTag("team=ci")
                        .coordinatorFilter());
        assertEquals(BuildFilter.ALL, all.coordinatorFilter());
    }

    @Test
    void answersNothingBeforeAQuery() {
        assertEquals(0, pages.size());
        assertNull(pages.row(0));
        assertEquals(0, farm.listings());
    }
}
