package dev.kiln.hooks.internal;

import static dev.kiln.hooks.internal.HooksFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventType;
import dev.kiln.api.SubmitRequest;
import dev.kiln.api.Tag;
import dev.kiln.hooks.api.Hook;
import dev.kiln.hooks.api.admin.HookStatus;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.ProtocolJson;

class HookProcessorTest {

    private static final Map<String, Object> FAST = Map.of("retry.backoff.ms", 50L, "poll.interval.ms", 200L,
            "parallelism", 4);

    @TempDir
    Path stateDir;

    @Test
    void deliversTheEventsOfItsTypesInOrderForEachBuild() throws Exception {
        List<Event> seen = new CopyOnWriteArrayList<>();
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, FAST)) {
            HooksFixture.register((event, farm) -> {
                Thread.sleep(ThreadLocalRandom.current().nextInt(20));
                seen.add(event);
            }, "recorder", "build-failure", "agent-lost");
            List<UUID> builds = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                builds.add(UUID.randomUUID());
            }
            for (String attempt : List.of("1", "2", "3")) {
                builds.forEach(build -> fixture.coordinator.append(EventType.BUILD_FAILURE, build,
                        Map.of("attempt", attempt)));
                builds.forEach(build -> fixture.coordinator.append(EventType.BUILD_SUCCESS, build, Map.of()));
            }
            fixture.coordinator.append(EventType.AGENT_LOST, null, Map.of());
            await("19 events delivered", () -> seen.size() >= 19);
            Thread.sleep(300);
            assertEquals(19, seen.size(), "each handled event once, none of the other types: " + seen);
            for (UUID build : builds) {
                List<String> attempts = seen.stream().filter(event -> build.equals(event.buildId()))
                        .map(event -> event.data().get("attempt")).toList();
                assertEquals(List.of("1", "2", "3"), attempts, "the failures of one build in order");
            }
        }
    }

    @Test
    void deliversTheEventsOfOneBuildInOrderAcrossTypesAndDifferentBuildsInParallel() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch bothStarted = new CountDownLatch(2);
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, FAST)) {
            HooksFixture.register((event, farm) -> {
                if (event.type() == EventType.BUILD_STARTED) {
                    // Each start waits for the other: they must run at once, being of different builds.
                    bothStarted.countDown();
                    boolean together = bothStarted.await(20, TimeUnit.SECONDS);
                    seen.add("started " + event.buildId() + (together ? "" : " alone"));
                } else {
                    seen.add("success " + event.buildId());
                }
            }, "ordered", "build-started", "build-success");
            UUID first = UUID.randomUUID();
            UUID second = UUID.randomUUID();
            fixture.coordinator.append(EventType.BUILD_STARTED, first, Map.of());
            fixture.coordinator.append(EventType.BUILD_STARTED, second, Map.of());
            fixture.coordinator.append(EventType.BUILD_SUCCESS, first, Map.of());
            fixture.coordinator.append(EventType.BUILD_SUCCESS, second, Map.of());
            await("four events delivered", () -> seen.size() >= 4);
            for (UUID build : List.of(first, second)) {
                assertTrue(seen.indexOf("started " + build) >= 0, "the starts ran at once: " + seen);
                assertTrue(seen.indexOf("started " + build) < seen.indexOf("success " + build),
                        "the start of a build before its success: " + seen);
            }
        }
    }

    @Test
    void aBuildsLaterEventWaitsWhileItsEarlierOneIsRetried() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger startAttempts = new AtomicInteger();
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, FAST)) {
            HooksFixture.register((event, farm) -> {
                if (event.type() == EventType.BUILD_STARTED && startAttempts.incrementAndGet() < 3) {
                    throw new IllegalStateException("not yet");
                }
                seen.add(event.type().id());
            }, "retried", "build-started", "build-failure");
            UUID build = UUID.randomUUID();
            fixture.coordinator.append(EventType.BUILD_STARTED, build, Map.of());
            fixture.coordinator.append(EventType.BUILD_FAILURE, build, Map.of());
            await("both events delivered", () -> seen.size() >= 2);
            assertEquals(List.of("build-started", "build-failure"), seen);
            assertEquals(3, startAttempts.get());
        }
    }

    @Test
    void keepsEachHooksCursorInTheDatastoreSoThatARestartRedeliversOnlyWhatAHookMissed() throws Exception {
        FakeCoordinator coordinator = new FakeCoordinator();
        List<Long> good = new CopyOnWriteArrayList<>();
        List<Long> stuck = new CopyOnWriteArrayList<>();
        Map<String, Object> properties = new HashMap<>(FAST);
        properties.put("max.attempts", 1000);
        try (HooksFixture fixture = new HooksFixture(coordinator, stateDir, properties)) {
            HooksFixture.register((event, farm) -> good.add(event.id()), "good", "build-success");
            HooksFixture.register((event, farm) -> {
                throw new IllegalStateException("down");
            }, "stuck", "build-success");
            coordinator.append(EventType.BUILD_SUCCESS, UUID.randomUUID(), Map.of());
            coordinator.append(EventType.BUILD_SUCCESS, UUID.randomUUID(), Map.of());
            await("the good hook's cursor stored", () -> Long.valueOf(2).equals(
                    coordinator.storedCursors().get("hooks/build-success/good")));
            assertEquals(0L, coordinator.storedCursors().get("hooks/build-success"), "held back by the stuck hook");
        }
        assertEquals(List.of(1L, 2L), good.stream().sorted().toList(), "two builds' events, in parallel");
        HooksFixture.register((event, farm) -> good.add(event.id()), "good", "build-success");
        HooksFixture.register((event, farm) -> stuck.add(event.id()), "stuck", "build-success");
        try (HooksFixture fixture = new HooksFixture(coordinator, stateDir, FAST)) {
            await("the stuck hook handles both events", () -> stuck.size() >= 2);
            await("both hooks done", () -> status(fixture, "good").queueLengths().get("build-success") == 0
                    && status(fixture, "stuck").queueLengths().get("build-success") == 0);
            assertEquals(List.of(1L, 2L), good.stream().sorted().toList(),
                    "the good hook handled them before the restart");
            assertEquals(List.of(1L, 2L), stuck.stream().sorted().toList());
            await("the queue's cursor stored", () -> Long.valueOf(2).equals(
                    coordinator.storedCursors().get("hooks/build-success")));
        }
        try (var files = Files.list(stateDir.resolve("hooks-state"))) {
            assertEquals(List.of(), files.filter(file -> file.getFileName().toString().startsWith("cursor-"))
                    .toList(), "no cursor files");
        }
    }

    @Test
    void cursorsThatCannotBeStoredAreTriedAgainWithBackOffNotInATightLoop() throws Exception {
        FakeCoordinator coordinator = new FakeCoordinator();
        coordinator.failCursorSaves(new IllegalStateException("No space left on device"));
        List<Long> handled = new CopyOnWriteArrayList<>();
        try (HooksFixture fixture = new HooksFixture(coordinator, stateDir, FAST)) {
            HooksFixture.register((event, farm) -> handled.add(event.id()), "recorder", "build-success");
            coordinator.append(EventType.BUILD_SUCCESS, UUID.randomUUID(), Map.of());
            await("the event handled while the cursors cannot be stored", () -> handled.size() == 1);
            await("the cursor tried twice", () -> coordinator.cursorSaveAttempts("hooks/build-success") >= 2);
            int before = coordinator.cursorSaveAttempts("hooks/build-success");
            Thread.sleep(3_000);
            int tries = coordinator.cursorSaveAttempts("hooks/build-success") - before;
            // Backing off from 100 ms: about five tries in three seconds; a tight loop would make thousands.
            assertTrue(tries <= 10, tries + " tries in 3 s");
            coordinator.failCursorSaves(null);
            await("the cursor stored once there is room again", () -> Long.valueOf(1).equals(
                    coordinator.storedCursors().get("hooks/build-success")));
        }
        assertEquals(List.of(1L), handled, "the event was handled once");
    }

    @Test
    void retriesAFailingHookWithBackOffWithoutHoldingUpTheOthers() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Set<Long> handledByOther = ConcurrentHashMap.newKeySet();
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, FAST)) {
            HooksFixture.register((event, farm) -> {
                if (attempts.incrementAndGet() < 3) {
                    throw new IllegalStateException("not yet " + attempts.get());
                }
            }, "flaky", "build-failure");
            HooksFixture.register((event, farm) -> handledByOther.add(event.id()), "steady", "build-failure");
            Event event = fixture.coordinator.append(EventType.BUILD_FAILURE, UUID.randomUUID(), Map.of());
            await("the steady hook handles the event", () -> handledByOther.contains(event.id()));
            await("three attempts of the flaky hook", () -> attempts.get() >= 3);
            await("the flaky hook's queue drained", () -> status(fixture, "flaky").queueLengths()
                    .get("build-failure") == 0);
            HookStatus flaky = status(fixture, "flaky");
            assertEquals(2, flaky.failures());
            assertTrue(flaky.lastFailure().contains("not yet 2"), flaky.lastFailure());
            assertEquals(0, status(fixture, "steady").failures());
            assertEquals(3, attempts.get());
        }
    }

    @Test
    void interruptsAHookThatOverrunsAndCallsItAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        Map<String, Object> properties = new HashMap<>(FAST);
        properties.put("timeout.ms", 300L);
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, properties)) {
            HooksFixture.register((event, farm) -> {
                if (calls.incrementAndGet() == 1) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        throw e;
                    }
                }
            }, "slow", "build-success");
            fixture.coordinator.append(EventType.BUILD_SUCCESS, UUID.randomUUID(), Map.of());
            await("a second call", () -> calls.get() >= 2);
            await("the first call interrupted", () -> interrupted.get() == 1);
            await("the failure reported", () -> status(fixture, "slow").failures() == 1);
            assertTrue(status(fixture, "slow").lastFailure().contains("ran longer than 300 ms"));
        }
    }

    @Test
    void resumesAfterARestartWhereItStopped() throws Exception {
        FakeCoordinator coordinator = new FakeCoordinator();
        List<Long> seen = new CopyOnWriteArrayList<>();
        Hook recorder = (event, farm) -> seen.add(event.id());
        try (HooksFixture fixture = new HooksFixture(coordinator, stateDir, FAST)) {
            HooksFixture.register(recorder, "recorder", "build-success");
            for (int i = 0; i < 3; i++) {
                coordinator.append(EventType.BUILD_SUCCESS, UUID.randomUUID(), Map.of());
            }
            await("three events", () -> seen.size() == 3);
        }
        coordinator.append(EventType.BUILD_SUCCESS, UUID.randomUUID(), Map.of());
        coordinator.append(EventType.BUILD_SUCCESS, UUID.randomUUID(), Map.of());
        // Registered before the start, as the hooks of deployed bundles are.
        HooksFixture.register(recorder, "recorder", "build-success");
        try (HooksFixture fixture = new HooksFixture(coordinator, stateDir, FAST)) {
            await("five events", () -> seen.size() >= 5);
            Thread.sleep(300);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seen.stream().sorted().toList());
        }
    }

    @Test
    void missingInputsHookSubmitsABuildOfTheInputOnce() throws Exception {
        FakeCoordinator coordinator = new FakeCoordinator();
        String input = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-input.drv";
        String inputOut = "/nix/store/cccccccccccccccccccccccccccccccc-input";
        String top = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-top.drv";
        coordinator.addDerivation(new DerivationSummary(input, "x86_64-linux", Map.of("out", inputOut), Map.of(),
                Set.of(), "Derive(input)"));
        coordinator.addDerivation(new DerivationSummary(top, "x86_64-linux",
                Map.of("out", "/nix/store/dddddddddddddddddddddddddddddddd-top"), Map.of(input, Set.of("out")),
                Set.of(), "Derive(top)"));
        Build build = coordinator.addBuild(top, BuildState.SCHEDULED);
        try (HooksFixture fixture = new HooksFixture(coordinator, stateDir, FAST)) {
            coordinator.append(EventType.BUILD_MISSING_INPUTS, build.id(), Map.of("missing-inputs", inputOut));
            await("a submission", () -> coordinator.submissions().size() == 1);
            coordinator.append(EventType.BUILD_MISSING_INPUTS, build.id(), Map.of("missing-inputs", inputOut));
            await("the second event handled", () -> status(fixture, MissingInputsHook.NAME).queueLengths()
                    .get("build-missing-inputs") == 0);
            SubmitRequest submitted = coordinator.submissions().get(0);
            assertEquals(input, submitted.builds().get(0).derivationPath());
            assertEquals(1, coordinator.submissions().size(), "a pending build of the input exists already");
        }
    }

    @Test
    void retryFailedHookRetriesUpToTheCount() throws Exception {
        FakeCoordinator coordinator = new FakeCoordinator();
        Build build = coordinator.addBuild("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv", BuildState.FAILED);
        Map<String, Object> properties = new HashMap<>(FAST);
        properties.put("retry.failed.count", 1);
        try (HooksFixture fixture = new HooksFixture(coordinator, stateDir, properties)) {
            coordinator.append(EventType.BUILD_FAILURE, build.id(), Map.of());
            await("the build retried", () -> coordinator.get(build.id()).state() == BuildState.SCHEDULED);
            coordinator.setState(build.id(), BuildState.FAILED);
            coordinator.append(EventType.BUILD_FAILURE, build.id(), Map.of());
            await("the second failure handled", () -> status(fixture, RetryFailedHook.NAME).queueLengths()
                    .get("build-failure") == 0);
            assertEquals(BuildState.FAILED, coordinator.get(build.id()).state(), "retried once only");
            assertTrue(fixture.hooks.farm().build(build.id()).tags().toString().contains("retried=1"));
        }
    }

    @Test
    void commandHookRunsTheExecutableWithTheEventAsJson() throws Exception {
        Path received = stateDir.resolve("received.json");
        Path script = stateDir.resolve("on-event.sh");
        Files.writeString(script, "#!/bin/sh\ncat > " + received + ".part && mv " + received + ".part " + received
                + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Map<String, Object> properties = new HashMap<>(FAST);
        properties.put("command", script.toString());
        properties.put("command.events", new String[] { "build-success" });
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, properties)) {
            UUID build = UUID.randomUUID();
            fixture.coordinator.append(EventType.BUILD_SUCCESS, build, Map.of("state", "succeeded"));
            await("the command's output", () -> Files.exists(received));
            String json = Files.readString(received);
            assertTrue(json.contains("\"type\":\"build-success\""), json);
            assertTrue(json.contains("\"build\":\"" + build + "\""), json);
            EventInfo event = ProtocolJson.read(json.getBytes(StandardCharsets.UTF_8), EventInfo.class);
            assertEquals(dev.kiln.protocol.EventType.BUILD_SUCCESS, event.type());
            assertEquals(build, event.build());
            assertEquals(Map.of("state", "succeeded"), event.data());
        }
    }

    @Test
    void commandHookFailureIsReported() throws Exception {
        Path script = stateDir.resolve("failing.sh");
        Files.writeString(script, "#!/bin/sh\necho 'cannot reach the mail server'\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Map<String, Object> properties = new HashMap<>(FAST);
        properties.put("command", script.toString());
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, properties)) {
            fixture.coordinator.append(EventType.AGENT_LOST, null, Map.of());
            await("a failure", () -> status(fixture, CommandHook.NAME).failures() >= 1);
            String failure = status(fixture, CommandHook.NAME).lastFailure();
            assertTrue(failure.contains("exited with status 3: cannot reach the mail server"), failure);
        }
    }

    static HookStatus status(HooksFixture fixture, String name) {
        return fixture.hooks.list().stream().filter(hook -> hook.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no hook " + name + " in " + fixture.hooks.list()));
    }
}
