package dev.kiln.client.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentStatus;
import dev.kiln.protocol.BuildCounts;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.ErrorAnswer;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.EventType;
import dev.kiln.protocol.MalformedJsonException;
import dev.kiln.protocol.OutputInfo;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.protocol.SetupFailureBody;
import dev.kiln.protocol.SetupFailureKind;
import dev.kiln.protocol.SubmitOutcome;
import dev.kiln.protocol.SubmitResult;

class ProtocolJsonTest {

    private static final UUID BUILD = UUID.fromString("0b1f3c9e-3c43-4b7a-9d1e-2a4f5f5d2f10");
    private static final UUID AGENT = UUID.fromString("7d1c0a52-9a1e-4c55-8c61-0e1d8a7b6f3c");
    private static final Instant CREATED = Instant.parse("2026-11-22T02:10:01Z");

    private static BuildInfo build(BuildState state) {
        return new BuildInfo(BUILD, state, "/nix/store/00000000000000000000000000000000-x.drv", "x86_64-linux", 3,
                Map.of("job", "nightly"), Map.of(), AGENT, CREATED, CREATED.plusMillis(1500), null, 1, null,
                List.of(new OutputInfo("out", "/nix/store/11111111111111111111111111111111-x", "sha256:0abc", 120,
                        List.of())));
    }

    @Test
    void typedValuesKeepTheWireSpellingAndComeBackEqual() throws Exception {
        BuildInfo build = build(BuildState.DEPENDENCY_FAILED);
        String json = ProtocolJson.writeString(build);
        assertTrue(json.contains("\"id\":\"0b1f3c9e-3c43-4b7a-9d1e-2a4f5f5d2f10\""), json);
        assertTrue(json.contains("\"state\":\"dependency-failed\""), json);
        assertTrue(json.contains("\"agent\":\"7d1c0a52-9a1e-4c55-8c61-0e1d8a7b6f3c\""), json);
        assertTrue(json.contains("\"createdAt\":\"2026-11-22T02:10:01Z\""), json);
        assertTrue(json.contains("\"startedAt\":\"2026-11-22T02:10:02.500Z\""), json);
        assertTrue(json.contains("\"finishedAt\":null"), json);
        assertEquals(build, read(json, BuildInfo.class));
    }

    @Test
    void everyConstantIsWrittenAsItsJsonName() throws Exception {
        for (BuildState state : BuildState.values()) {
            assertEquals(state, read(ProtocolJson.writeString(build(state)), BuildInfo.class).state());
        }
        assertEquals("\"build-missing-inputs\"", ProtocolJson.writeString(EventType.BUILD_MISSING_INPUTS));
        assertEquals("\"could-not-delete-outputs\"", ProtocolJson.writeString(SetupFailureKind.COULD_NOT_DELETE_OUTPUTS));
        assertEquals("\"outputs-held\"", ProtocolJson.writeString(SubmitOutcome.OUTPUTS_HELD));
        assertEquals("\"inactive\"", ProtocolJson.writeString(AgentStatus.INACTIVE));
        assertEquals(new SetupFailureBody(SetupFailureKind.MISSING_INPUTS, List.of("/nix/store/x")),
                read("{\"kind\":\"missing-inputs\",\"missingInputs\":[\"/nix/store/x\"]}", SetupFailureBody.class));
    }

    @Test
    void mapsKeyedByStateUseTheStateNames() throws Exception {
        BuildCounts counts = new BuildCounts(Map.of(BuildState.SCHEDULED, 3L, BuildState.DEPENDENCY_FAILED, 1L), 4);
        String json = ProtocolJson.writeString(counts);
        assertTrue(json.contains("\"scheduled\":3") && json.contains("\"dependency-failed\":1"), json);
        assertEquals(counts, read(json, BuildCounts.class));
    }

    @Test
    void anEventHasOneShape() throws Exception {
        EventInfo event = new EventInfo(42, EventType.BUILD_STARTED, CREATED, BUILD, null, Map.of("state", "started"));
        String json = ProtocolJson.writeString(event);
        assertEquals("{\"id\":42,\"type\":\"build-started\",\"time\":\"2026-11-22T02:10:01Z\","
                + "\"build\":\"0b1f3c9e-3c43-4b7a-9d1e-2a4f5f5d2f10\",\"agent\":null,\"data\":{\"state\":\"started\"}}",
                json);
        assertEquals(event, read(json, EventInfo.class));
    }

    @Test
    void unknownFieldsAreIgnoredAndMissingOnesAreNull() throws Exception {
        SubmitResult result = read("{\"derivation\":\"/nix/store/x.drv\",\"outcome\":\"created\",\"later\":[1,2]}",
                SubmitResult.class);
        assertEquals(SubmitOutcome.CREATED, result.outcome());
        assertNull(result.id());
        AgentInfo agent = read("{\"id\":\"" + AGENT + "\",\"name\":\"a\",\"status\":\"online\"}", AgentInfo.class);
        assertEquals(AgentStatus.ONLINE, agent.status());
        assertNull(agent.lastSeen());
    }

    @Test
    void valuesOfAnotherSpellingAreRefusedNamingTheField() {
        assertRefused("{\"id\":\"" + BUILD + "\",\"state\":\"SCHEDULED\"}", BuildInfo.class, "state");
        assertRefused("{\"id\":\"" + BUILD + "\",\"state\":\"done\"}", BuildInfo.class, "state");
        assertRefused("{\"id\":\"not-a-uuid\"}", BuildInfo.class, "id");
        assertRefused("{\"id\":42}", BuildInfo.class, "id");
        assertRefused("{\"createdAt\":1764900000}", BuildInfo.class, "createdAt");
        assertRefused("{\"createdAt\":\"yesterday\"}", BuildInfo.class, "createdAt");
        assertRefused("{\"createdAt\":\"2026-11-22T02:10:01\"}", BuildInfo.class, "createdAt");
        assertRefused("{\"priority\":\"high\"}", BuildInfo.class, "priority");
        assertRefused("{\"kind\":\"weird\"}", SetupFailureBody.class, "kind");
        assertRefused("{\"states\":{\"sleeping\":1},\"total\":1}", BuildCounts.class, "states");
        assertRefused("{\"error\":5}", ErrorAnswer.class, "error");
    }

    @Test
    void aBodyThatIsNotOneJsonValueIsRefused() {
        assertRefused("", ErrorAnswer.class, "");
        assertRefused("null", ErrorAnswer.class, "null");
        assertRefused("{\"error\":\"x\"} {}", ErrorAnswer.class, "");
        assertRefused("{\"error\":", ErrorAnswer.class, "");
    }

    private static void assertRefused(String json, Class<?> type, String named) {
        MalformedJsonException refused = assertThrows(MalformedJsonException.class, () -> read(json, type), json);
        assertTrue(refused.getMessage().contains(named), refused.getMessage());
    }

    private static <T> T read(String json, Class<T> type) throws MalformedJsonException {
        return ProtocolJson.read(json.getBytes(StandardCharsets.UTF_8), type);
    }
}
