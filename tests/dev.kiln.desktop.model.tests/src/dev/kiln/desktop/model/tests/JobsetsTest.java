package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.tests.fake.FakeFarm;
import dev.kiln.desktop.model.tests.fake.ManualScheduler;
import dev.kiln.desktop.model.views.ConnectionState;
import dev.kiln.desktop.model.views.EvaluationsModel.Evaluations;
import dev.kiln.desktop.model.views.EvaluationsModel;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.Inputs;
import dev.kiln.desktop.model.views.JobsetRow;
import dev.kiln.desktop.model.views.Texts;
import dev.kiln.protocol.ChannelInfo;
import dev.kiln.protocol.EvaluationStatus;
import dev.kiln.protocol.EvaluationSummaryInfo;
import dev.kiln.protocol.JobsetInfo;
import dev.kiln.retry.Backoff;

class JobsetsTest {

    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    private final ManualScheduler scheduler = new ManualScheduler(T0);
    private final FakeFarm farm = new FakeFarm();

    @Test
    void addsChangesDisablesAndRemovesJobsets() throws Exception {
        FarmSession session = start();
        AtomicInteger heard = new AtomicInteger();
        session.jobsets().addListener(heard::incrementAndGet);

        session.jobsetCommands().add(jobset("hello", true)).get();
        session.jobsetCommands().add(jobset("alpha", true)).get();
        assertEquals(List.of("alpha", "hello"), session.jobsets().jobsets().stream().map(JobsetRow::name).toList());
        assertTrue(heard.get() > 0, "the jobsets' listeners heard of the change");
        assertEquals(100_000, farm.jobset("hello").maxBuildsPerEvaluation(), "the coordinator's default limit");

        JobsetInfo changed = new JobsetInfo("hello", List.of(new ChannelInfo("src", "/srv/hello.git", "release")),
                "make drvs", "/gnu/store", null, 300, 7, Map.of("team", "ci"), true, 50, true);
        session.jobsetCommands().change(changed).get();
        JobsetInfo shown = session.jobsets().jobsets().get(1).jobset();
        assertEquals("release", shown.channels().get(0).branch());
        assertEquals(300, shown.periodSeconds());
        assertEquals(50, shown.maxBuildsPerEvaluation());
        assertEquals("team=ci", Texts.tags(shown.tags()));

        session.jobsetCommands().setEnabled("hello", false).get();
        assertFalse(Texts.enabled(farm.jobset("hello")));
        assertFalse(Texts.enabled(session.jobsets().jobsets().get(1).jobset()));

        session.jobsetCommands().remove("hello").get();
        assertNull(farm.jobset("hello"));
        assertEquals(List.of("alpha"), session.jobsets().jobsets().stream().map(JobsetRow::name).toList());

        ExecutionException duplicate = assertThrows(ExecutionException.class,
                () -> session.jobsetCommands().add(jobset("alpha", true)).get());
        assertEquals(FarmException.Kind.REJECTED, ((FarmException) duplicate.getCause()).kind());
        assertEquals(ConnectionState.CONNECTED, session.supervisor().status().state(), "a refused change is no connection problem");
    }

    @Test
    void pollsWhileAnEvaluationRunsAndStopsOnceItEnded() throws Exception {
        farm.addJobset(jobset("hello", true));
        FarmSession session = start();
        assertNull(session.jobsets().jobsets().get(0).lastEvaluation());

        session.jobsetCommands().evaluate("hello").get();
        JobsetRow evaluating = session.jobsets().jobsets().get(0);
        assertTrue(evaluating.evaluating());
        assertEquals(EvaluationStatus.RUNNING, evaluating.lastEvaluation().status());

        scheduler.advance(Duration.ofSeconds(1));
        assertTrue(session.jobsets().jobsets().get(0).evaluating(), "still running after a poll");
        farm.finishEvaluation("hello", EvaluationStatus.SUCCEEDED, new EvaluationSummaryInfo(2, 0, 1, 0, 0), "");
        int callsBefore = farm.calls();
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(EvaluationStatus.SUCCEEDED, session.jobsets().jobsets().get(0).lastEvaluation().status(),
                "seen within a second of its end, long before the periodic refresh");
        assertTrue(farm.calls() > callsBefore);

        int callsAfterEnd = farm.calls();
        scheduler.advance(Duration.ofSeconds(5));
        assertEquals(callsAfterEnd, farm.calls(), "no polling once nothing evaluates");
    }

    @Test
    void saysSoWhenTheCoordinatorRunsNoJobsets() throws Exception {
        farm.setJobsetsRunning(false);
        FarmSession session = start();

        assertEquals(ConnectionState.CONNECTED, session.supervisor().status().state());
        assertTrue(session.jobsets().problem().contains("not running"), session.jobsets().problem());
        assertTrue(session.jobsets().jobsets().isEmpty());

        farm.setJobsetsRunning(true);
        farm.addJobset(jobset("hello", true));
        scheduler.advance(Duration.ofSeconds(10));
        assertEquals("", session.jobsets().problem());
        assertEquals(1, session.jobsets().jobsets().size());
    }

    @Test
    void showsTheEvaluationsOfTheSelectedJobsetNewestFirstWithSummaries() throws Exception {
        farm.addJobset(jobset("hello", true));
        farm.addJobset(jobset("other", true));
        for (int i = 0; i < EvaluationsModel.SUMMARIZED + 2; i++) {
            farm.evaluate("hello");
            farm.finishEvaluation("hello", i % 2 == 0 ? EvaluationStatus.SUCCEEDED : EvaluationStatus.FAILED,
                    new EvaluationSummaryInfo(i, 1, 2, 0, i % 2), "/nix/store/x-" + i + ".drv\n");
        }
        List<Evaluations> shown = new ArrayList<>();
        EvaluationsModel model = new EvaluationsModel(farm, scheduler, shown::add);

        model.show("hello");
        Evaluations hello = shown.getLast();
        assertEquals("hello", hello.jobset());
        assertEquals(EvaluationsModel.SUMMARIZED + 2, hello.evaluations().size());
        assertEquals(EvaluationsModel.SUMMARIZED + 2, hello.evaluations().get(0).id(), "newest first");
        assertEquals(EvaluationsModel.SUMMARIZED + 1, hello.evaluations().get(0).summary().succeeded());
        assertEquals(EvaluationSummaryInfo.class, hello.evaluations().get(EvaluationsModel.SUMMARIZED - 1).summary()
                .getClass());
        assertNull(hello.evaluations().get(EvaluationsModel.SUMMARIZED).summary(), "older ones without summary");

        long newest = hello.evaluations().get(0).id();
        assertEquals(2, farm.cancelEvaluation(newest));
        model.refresh();
        assertEquals(2, shown.getLast().evaluations().get(0).summary().canceled());
        assertTrue(farm.evaluationLog(newest).contains(".drv"));

        model.show("other");
        assertEquals("other", shown.getLast().jobset());
        assertTrue(shown.getLast().evaluations().isEmpty());
        model.show(null);
        assertEquals(Evaluations.NONE, shown.getLast());

        model.show("gone");
        assertTrue(shown.getLast().problem().contains("gone"), shown.getLast().problem());
    }

    @Test
    void readsChannelsPeriodsAndLimitsAsTyped() {
        assertEquals(List.of(new ChannelInfo("hello", "https://git.example/hello.git", "main"),
                new ChannelInfo("nixpkgs", "/srv/nixpkgs", "release-24.11")),
                Inputs.channels("https://git.example/hello.git\n\n nixpkgs=/srv/nixpkgs release-24.11 \n"));
        List<ChannelInfo> channels = List.of(new ChannelInfo("src", "/srv/a", "main"),
                new ChannelInfo("lib", "/srv/b", "dev"));
        assertEquals(channels, Inputs.channels(Inputs.channelLines(channels)));
        assertThrows(IllegalArgumentException.class, () -> Inputs.channels(" \n "));
        assertThrows(IllegalArgumentException.class, () -> Inputs.channels("/srv/a main extra"));
        assertThrows(IllegalArgumentException.class, () -> Inputs.channels("/srv/a\n/other/a"), "same names");
        assertEquals(Duration.ofSeconds(300), Inputs.period(" 300 "));
        assertThrows(IllegalArgumentException.class, () -> Inputs.period("-1"));
        assertThrows(IllegalArgumentException.class, () -> Inputs.period("5m"));
        assertNull(Inputs.limit(" "));
        assertEquals(50, Inputs.limit("50"));
        assertThrows(IllegalArgumentException.class, () -> Inputs.limit("0"));
    }

    private FarmSession start() {
        FarmSession session = new FarmSession(farm, scheduler, Backoff.DEFAULT);
        session.start();
        return session;
    }

    private static JobsetInfo jobset(String name, boolean enabled) {
        return new JobsetInfo(name, List.of(new ChannelInfo("src", "/srv/" + name, "main")), "true", "/nix/store", null,
                0, 0, Map.of(), enabled, null, false);
    }
}
