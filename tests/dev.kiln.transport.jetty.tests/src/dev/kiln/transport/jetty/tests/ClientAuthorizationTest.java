package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.api.Build;
import dev.kiln.client.KilnApiException;
import dev.kiln.client.KilnClient;
import dev.kiln.client.LocalToken;
import dev.kiln.protocol.AgentPassword;

/**
 * Who may change the farm: on loopback, every change needs a client token, reads need none unless configured, a
 * wrong token is refused wherever it is sent, and the coordinator's own user finds a token without being given one.
 */
class ClientAuthorizationTest {

    @TempDir
    Path temporary;

    @Test
    void changesWithoutATokenAreRefusedAndChangeNothing() throws Exception {
        try (TestCoordinator coordinator = new TestCoordinator(temporary, 1024 * 1024)) {
            AgentPassword agent = coordinator.newAgent("kept", "x86_64-linux");
            UUID build = coordinator.submit("unchanged", Set.of());
            Build before = coordinator.services.get(build);
            String tokensBefore = Files.readString(temporary.resolve("tokens"));
            String[][] changes = {
                    {"POST", "/api/v1/builds", "{\"builds\":[{\"derivation\":\"" + before.derivationPath() + "\"}]}"},
                    {"POST", "/api/v1/builds/" + build + "/cancel", null},
                    {"POST", "/api/v1/builds/" + build + "/retry", null},
                    {"PUT", "/api/v1/builds/" + build + "/priority", "{\"priority\":9}"},
                    {"PUT", "/api/v1/builds/" + build + "/tags", "{\"tags\":{\"a\":\"b\"}}"},
                    {"DELETE", "/api/v1/builds/" + build + "/tags/job", null},
                    {"POST", "/api/v1/agents", "{\"name\":\"intruder\",\"systems\":[\"x86_64-linux\"]}"},
                    {"POST", "/api/v1/agents/" + agent.id() + "/password", null},
                    {"POST", "/api/v1/agents/" + agent.id() + "/deactivate", null},
                    {"POST", "/api/v1/tokens", null},
                    {"POST", "/api/v1/hooks", "x"},
                    {"DELETE", "/api/v1/hooks/x.jar", null},
                    {"POST", "/api/v1/jobsets", "{}"},
                    {"PUT", "/nar/x.nar", "x"}};
            for (String[] change : changes) {
                HttpResponse<String> refused = coordinator.send(HttpRequest.newBuilder(coordinator.client(change[1]))
                        .method(change[0], change[2] == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(change[2])).build());
                String what = change[0] + " " + change[1];
                assertEquals(401, refused.statusCode(), what + ": " + refused.body());
                assertTrue(refused.body().startsWith("{\"error\":\"unauthorized\""), what + ": " + refused.body());
                assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), what);
            }
            assertEquals(before, coordinator.services.get(build), "the build is as it was");
            assertEquals(1, coordinator.services.agentService.list().size(), "no agent was created");
            assertTrue(coordinator.services.agentService.authenticate(agent.id(), agent.password()),
                    "the agent's password and activation are as they were");
            assertEquals(tokensBefore, Files.readString(temporary.resolve("tokens")), "no token was created");

            assertEquals(200, coordinator.send(coordinator.asClient("/api/v1/builds/" + build + "/cancel")
                    .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode(), "the same change with a token");
        }
    }

    @Test
    void readsNeedNoTokenOnLoopbackButAWrongTokenIsRefusedEverywhere() throws Exception {
        try (TestCoordinator coordinator = new TestCoordinator(temporary, 1024 * 1024)) {
            for (String path : List.of("/api/v1/builds/counts", "/api/v1/agents", "/metrics", "/nix-cache-info")) {
                assertEquals(200, coordinator.get(coordinator.client(path)).statusCode(), path);
                HttpResponse<String> wrong = coordinator.send(HttpRequest.newBuilder(coordinator.client(path))
                        .header("Authorization", "Bearer wrongtoken").build());
                assertEquals(401, wrong.statusCode(), path + ": " + wrong.body());
                assertTrue(wrong.body().contains("not valid"), wrong.body());
            }
            assertEquals(200, coordinator.send(HttpRequest.newBuilder(coordinator.client("/api/v1/derivations/missing"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"paths\":[]}")).build()).statusCode(),
                    "which derivations are missing is a read");
            HttpResponse<String> netrc = coordinator.send(HttpRequest.newBuilder(coordinator.client("/nix-cache-info"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("nix:wrong".getBytes()))
                    .build());
            assertEquals(401, netrc.statusCode(), "a wrong token as a netrc password: " + netrc.body());
            assertEquals(200, coordinator.send(coordinator.asClient("/api/v1/builds/counts").build()).statusCode());
        }
    }

    @Test
    void readsNeedATokenWhenConfigured() throws Exception {
        try (TestCoordinator coordinator = new TestCoordinator(temporary, 1024 * 1024,
                Map.of("client.token.for.reads", true))) {
            for (String path : List.of("/api/v1/builds", "/metrics")) {
                assertEquals(401, coordinator.get(coordinator.client(path)).statusCode(), path);
                assertEquals(200, coordinator.send(coordinator.asClient(path).build()).statusCode(), path);
            }
            assertEquals(200, coordinator.get(coordinator.client("/healthz")).statusCode());
            assertEquals(200, coordinator.get(coordinator.client("/nix-cache-info")).statusCode(),
                    "the binary cache stays open, as on the agent port");
        }
    }

    @Test
    void theCoordinatorsOwnUserFindsATokenThatOnlyItCanRead() throws Exception {
        Path file;
        URI api;
        try (TestCoordinator coordinator = new TestCoordinator(temporary, 1024 * 1024)) {
            api = coordinator.endpoints.clientApi();
            file = LocalToken.file(api.getPort());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
            assertEquals("rwx------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent().getParent())));
            assertEquals(Files.readString(file).strip(), LocalToken.find(api).orElseThrow());

            KilnClient local = new KilnClient(api);
            String made = local.createToken();
            assertTrue(made.startsWith("kiln_"), made);
            KilnApiException refused = assertThrows(KilnApiException.class,
                    () -> new KilnClient(api, "kiln_not-a-token").createToken());
            assertEquals(401, refused.status());
            assertTrue(LocalToken.find(URI.create("http://192.0.2.1:" + api.getPort())).isEmpty(),
                    "only a loopback coordinator's token is looked up");
        }
        assertFalse(Files.exists(file), "the token of a stopped coordinator is deleted");
    }
}
