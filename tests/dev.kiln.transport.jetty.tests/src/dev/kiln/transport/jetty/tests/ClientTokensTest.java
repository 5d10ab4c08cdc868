package dev.kiln.transport.jetty.tests;

import static dev.kiln.transport.jetty.tests.BuildLifecycleTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.protocol.TokenAnswer;
import dev.kiln.protocol.TokenInfo;
import dev.kiln.protocol.TokenList;

/** Client tokens with labels and creation times: made, listed, revoked, and those of older coordinators kept. */
class ClientTokensTest {

    @TempDir
    Path temporary;

    @Test
    void theBareHashesOfAnOlderCoordinatorAreMigratedOnceAndStayValid() throws Exception {
        String old = "kiln_" + "ab".repeat(32);
        String other = "kiln_" + "cd".repeat(32);
        Files.writeString(temporary.resolve("tokens"), sha256(old) + "\n" + sha256(other) + "\n");
        try (TestCoordinator coordinator = new TestCoordinator(temporary, 1024 * 1024)) {
            assertEquals(201, coordinator.send(HttpRequest.newBuilder(coordinator.client("/api/v1/tokens"))
                    .header("Authorization", "Bearer " + old).POST(HttpRequest.BodyPublishers.noBody()).build())
                    .statusCode(), "the old token still changes the farm");
            List<TokenInfo> listed = list(coordinator);
            assertEquals(3, listed.size(), listed.toString());
            assertNull(listed.get(0).created(), "an old token's age is unknown");
            assertNull(listed.get(0).label());
            String file = Files.readString(temporary.resolve("tokens"));
            assertTrue(file.startsWith("# kiln client tokens 2"), file);
            assertTrue(file.contains(sha256(old)) && file.contains(sha256(other)), file);
        }
        try (TestCoordinator restarted = new TestCoordinator(temporary, 1024 * 1024)) {
            assertEquals(3, list(restarted).size(), "read back in the new form, not migrated again");
            assertEquals(200, restarted.send(HttpRequest.newBuilder(restarted.client("/api/v1/builds/counts"))
                    .header("Authorization", "Bearer " + other).build()).statusCode());
        }
    }

    @Test
    void tokensAreLabelledListedAndRevoked() throws Exception {
        try (TestCoordinator coordinator = new TestCoordinator(temporary, 1024 * 1024)) {
            Instant before = Instant.now().minusSeconds(1);
            TokenAnswer ci = read(coordinator.postJson(coordinator.client("/api/v1/tokens"), "{\"label\":\"ci\"}"),
                    201, TokenAnswer.class);
            assertEquals("ci", ci.label());
            assertFalse(ci.created().isBefore(before), ci.created().toString());
            List<TokenInfo> listed = list(coordinator);
            assertEquals(List.of("first", "ci"), listed.stream().map(TokenInfo::label).toList());
            assertNotNull(listed.get(0).created());
            assertFalse(Files.readString(temporary.resolve("tokens")).contains(ci.token()), "only hashes are kept");

            read(coordinator.postJson(coordinator.client("/api/v1/tokens"), "{\"label\":\"has space\"}"), 400, Map.class);
            read(coordinator.postJson(coordinator.client("/api/v1/tokens"), "{\"label\":\"ci\"}"), 201, TokenAnswer.class);
            Map<?, ?> ambiguous = read(coordinator.send(coordinator.asClient("/api/v1/tokens/ci").DELETE().build()),
                    400, Map.class);
            assertTrue(ambiguous.get("detail").toString().contains("names 2 tokens"), ambiguous.toString());
            read(coordinator.send(coordinator.asClient("/api/v1/tokens/nothing").DELETE().build()), 404, Map.class);

            TokenInfo revoked = read(coordinator.send(coordinator.asClient("/api/v1/tokens/" + ci.id()).DELETE()
                    .build()), 200, TokenInfo.class);
            assertEquals(ci.id(), revoked.id());
            assertEquals(401, coordinator.send(HttpRequest.newBuilder(coordinator.client("/api/v1/builds/counts"))
                    .header("Authorization", "Bearer " + ci.token()).build()).statusCode(), "a revoked token is refused");
            assertEquals(List.of("first", "ci"), list(coordinator).stream().map(TokenInfo::label).toList());
        }
        try (TestCoordinator restarted = new TestCoordinator(temporary, 1024 * 1024)) {
            assertEquals(2, list(restarted).size(), "the revocation was kept");
        }
    }

    private static List<TokenInfo> list(TestCoordinator coordinator) throws Exception {
        return read(coordinator.get(coordinator.client("/api/v1/tokens")), 200, TokenList.class).tokens();
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
