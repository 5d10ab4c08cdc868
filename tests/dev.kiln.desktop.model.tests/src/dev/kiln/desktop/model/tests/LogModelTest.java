package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.tests.fake.ManualScheduler;
import dev.kiln.desktop.model.views.LogModel;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;

class LogModelTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    private final StringBuilder shown = new StringBuilder();
    private final FakeFarm farm = new FakeFarm();
    private final LogModel model = new LogModel(farm, new ManualScheduler(T0), new LogModel.View() {
        @Override
        public void reset(UUID build) {
            shown.setLength(0);
        }

        @Override
        public void append(UUID build, String text) {
            shown.append(text);
        }

        @Override
        public void ended(UUID build, FarmException failure) {
            shown.append(failure == null ? "[end]" : "[" + failure.getMessage() + "]");
        }
    });

    @Test
    void followsARunningBuildAndStopsFollowingWhenAnotherIsShown() {
        BuildInfo running = farm.addBuild("hello", "x86_64-linux", BuildState.STARTED, 0, Map.of(), T0, null);
        BuildInfo done = farm.addBuild("gcc", "x86_64-linux", BuildState.SUCCEEDED, 0, Map.of(), T0, T0);

        model.show(running);
        farm.appendLog(running.id(), "step 1\n");
        assertEquals("building hello\nstep 1\n", shown.toString());

        model.show(done);
        farm.appendLog(running.id(), "step 2\n");
        assertEquals("building gcc\n[end]", shown.toString());
    }

    @Test
    void saysWhyALogCannotBeRead() {
        BuildInfo done = farm.addBuild("gcc", "x86_64-linux", BuildState.FAILED, 0, Map.of(), T0, T0);
        farm.setDown(true);
        model.show(done);
        assertTrue(shown.toString().contains("connection refused"), shown.toString());
    }
}
