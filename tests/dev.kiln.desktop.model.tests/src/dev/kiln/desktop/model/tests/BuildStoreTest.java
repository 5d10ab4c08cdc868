package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.views.BuildStore;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;

class BuildStoreTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void keepsTheNewestBuildsAndForgetsTheOldest() {
        FakeFarm farm = new FakeFarm();
        List<BuildInfo> builds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            builds.add(farm.addBuild("b" + i, "x86_64-linux", BuildState.SCHEDULED, 0, Map.of(), T0.plusSeconds(i),
                    null));
        }
        BuildStore store = new BuildStore();
        builds.reversed().forEach(store::put);

        store.retainNewest(20);
        assertEquals(10, store.size(), "nothing to forget");
        store.retainNewest(4);

        assertEquals(4, store.size());
        assertEquals(builds.get(9), store.get(builds.get(9).id()));
        assertEquals(builds.get(6), store.get(builds.get(6).id()));
        assertNull(store.get(builds.get(5).id()), "older than the four newest");
    }
}
