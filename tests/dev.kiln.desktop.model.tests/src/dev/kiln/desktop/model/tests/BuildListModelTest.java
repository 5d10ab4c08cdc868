package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.tests.fake.ManualScheduler;
import dev.kiln.desktop.model.views.BuildColumn;
import dev.kiln.desktop.model.views.BuildListModel.Rows;
import dev.kiln.desktop.model.views.BuildListModel;
import dev.kiln.desktop.model.views.BuildListQuery;
import dev.kiln.desktop.model.views.Builds;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;

class BuildListModelTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    private final FakeFarm farm = new FakeFarm();
    private final BuildInfo hello = farm.addBuild("hello-2.12", "x86_64-linux", BuildState.SUCCEEDED, 1,
            Map.of("jobset", "main"), T0, T0.plusSeconds(60));
    private final BuildInfo gcc = farm.addBuild("gcc-13", "aarch64-linux", BuildState.FAILED, 5,
            Map.of("jobset", "staging"), T0.plusSeconds(1), T0.plusSeconds(90));
    private final BuildInfo zlib = farm.addBuild("zlib-1.3", "x86_64-linux", BuildState.SCHEDULED, 3,
            Map.of("team", "core"), T0.plusSeconds(2), null);
    private final List<BuildInfo> builds = List.of(hello, gcc, zlib);

    @Test
    void showsNewestFirstByDefault() {
        assertEquals(List.of(zlib, gcc, hello), rows(BuildListQuery.DEFAULT).asList());
    }

    @Test
    void filtersByStateSystemTagAndText() {
        assertEquals(List.of(zlib, hello), rows(BuildListQuery.DEFAULT.withStates(
                Set.of(BuildState.SUCCEEDED, BuildState.SCHEDULED))).asList());
        assertEquals(List.of(gcc), rows(BuildListQuery.DEFAULT.withSystem("aarch64-linux")).asList());
        assertEquals(List.of(gcc, hello), rows(BuildListQuery.DEFAULT.withTag("jobset")).asList());
        assertEquals(List.of(gcc), rows(BuildListQuery.DEFAULT.withTag("jobset=staging")).asList());
        assertEquals(List.of(hello), rows(BuildListQuery.DEFAULT.withText("HELLO")).asList());
        assertEquals(List.of(zlib), rows(BuildListQuery.DEFAULT.withText("team=core")).asList());
        assertEquals(List.of(), rows(BuildListQuery.DEFAULT.withSystem("x86_64-linux").withText("gcc")).asList());
    }

    @Test
    void sortsByAColumnAndFlipsOnTheSameColumn() {
        BuildListQuery byPriority = BuildListQuery.DEFAULT.sortedBy(BuildColumn.PRIORITY);
        assertEquals(List.of(hello, zlib, gcc), rows(byPriority).asList());
        assertEquals(List.of(gcc, zlib, hello), rows(byPriority.sortedBy(BuildColumn.PRIORITY)).asList());
        assertEquals(List.of(zlib, hello, gcc),
                rows(BuildListQuery.DEFAULT.sortedBy(BuildColumn.FINISHED)).asList(), "unfinished first");
    }

    @Test
    void indexesRowsAndOffersTheSystemsAndTagsSeen() {
        Rows rows = rows(BuildListQuery.DEFAULT);
        assertEquals(2, rows.indexOf(hello.id()));
        assertEquals(-1, rows(BuildListQuery.DEFAULT.withText("gcc")).indexOf(hello.id()));
        assertNull(rows.row(3));
        assertEquals(Set.of("x86_64-linux", "aarch64-linux"), rows.systems());
        assertEquals(Set.of("jobset", "team"), rows.tagKeys());
    }

    @Test
    void computesOffTheCallerAndPublishesTheLatestQuery() {
        ManualScheduler scheduler = new ManualScheduler(T0);
        List<BuildInfo> source = new ArrayList<>(builds);
        AtomicInteger published = new AtomicInteger();
        BuildListModel model = new BuildListModel(() -> List.copyOf(source), scheduler, published::incrementAndGet);

        model.setQuery(BuildListQuery.DEFAULT.withStates(Set.of(BuildState.FAILED)));
        assertEquals(List.of(gcc), model.rows().asList());
        source.add(farm.addBuild("bash", "x86_64-linux", BuildState.FAILED, 0, Map.of(), T0.plusSeconds(9), T0));
        model.refresh();
        assertEquals(2, model.rows().size());
        assertEquals(4, model.rows().total());
        assertEquals(2, published.get());
    }

    @Test
    void handlesAHundredThousandBuilds() {
        FakeFarm big = new FakeFarm();
        List<BuildInfo> many = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            many.add(big.addBuild("pkg-" + i, i % 2 == 0 ? "x86_64-linux" : "aarch64-linux",
                    BuildState.values()[i % BuildState.values().length], i % 10, Map.of("n", String.valueOf(i % 100)),
                    T0.plusSeconds(i), T0.plusSeconds(i + 5)));
        }
        Rows rows = BuildListModel.computeRows(many, BuildListQuery.DEFAULT.withSystem("x86_64-linux")
                .withTag("n=42").sortedBy(BuildColumn.PRIORITY));
        assertEquals(1000, rows.size());
        assertEquals(2, rows.row(0).priority());
        assertEquals("pkg-99942.drv", Builds.name(rows.row(rows.size() - 1)));
    }

    private Rows rows(BuildListQuery query) {
        return BuildListModel.computeRows(builds, query);
    }
}
