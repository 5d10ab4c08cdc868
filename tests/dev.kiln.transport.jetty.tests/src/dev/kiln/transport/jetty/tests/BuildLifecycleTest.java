package dev.kiln.transport.jetty.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.AttemptInfo;
import dev.kiln.protocol.AttemptLog;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.FetchAnswer;
import dev.kiln.protocol.FetchedBuild;
import dev.kiln.protocol.MissingAnswer;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.protocol.StatusAnswer;
import dev.kiln.protocol.SubmitAnswer;
import dev.kiln.protocol.SubmitOutcome;
import dev.kiln.protocol.UploadProgress;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.compression.Compression;
import dev.kiln.store.nar.HashingOutputStream;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.testing.RealNix;

/**
 * A build from submit to success through the client and agent APIs, with a resumed upload, then its output and its
 * derivation fetched by real Nix from the binary cache with signatures required, and a path uploaded by
 * {@code nix copy --to}.
 */
class BuildLifecycleTest {

    @TempDir
    static Path temporary;

    private static TestCoordinator coordinator;
    private static RealNix nix;
    private static List<String> drvPaths;

    @BeforeAll
    static void start() throws Exception {
        coordinator = new TestCoordinator(Files.createDirectories(temporary.resolve("state")), 1024 * 1024);
        nix = RealNix.require(Files.createDirectories(temporary.resolve("nix")));
        drvPaths = nix.instantiate(nix.store("source"), """
                let
                  dep = derivation { name = "dep"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; };
                in [
                  (derivation { name = "lifecycle"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ${dep} > $out" ]; })
                  (derivation { name = "second"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "true > $out" ]; })
                  (derivation { name = "failing"; system = "aarch64-linux"; builder = "/bin/sh"; args = [ "-c" "exit 3" ]; })
                ]
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        coordinator.close();
    }

    @Test
    void aBuildGoesFromSubmitToTheCacheAndRealNixCopiesItsOutput() throws Exception {
        AgentPassword agent = coordinator.newAgent("builder", "x86_64-linux");
        String drv = drvPaths.get(0);
        MissingAnswer missing = read(coordinator.postJson(coordinator.client("/api/v1/derivations/missing"),
                "{\"paths\":[\"" + drv + "\"]}"), 200, MissingAnswer.class);
        assertEquals(List.of(drv), missing.missing());

        SubmitAnswer submitted = submit(drv, 5);
        assertEquals(SubmitOutcome.CREATED, submitted.results().get(0).outcome());
        UUID id = submitted.results().get(0).id();
        Map<?, ?> shown = read(coordinator.get(coordinator.client("/api/v1/derivations?path=" + drv)), 200, Map.class);
        assertEquals(Map.of("out", Map.of("path", outputPath(drv))), shown.get("outputs"), shown.toString());
        assertEquals("x86_64-linux", shown.get("system"), shown.toString());

        FetchAnswer fetched = read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/fetch")
                .POST(json("{\"systems\":[\"x86_64-linux\"],\"freeSlots\":4,\"load\":0.5}")).build()), 200,
                FetchAnswer.class);
        assertEquals(1, fetched.builds().size());
        assertEquals(id, fetched.builds().get(0).id());
        assertEquals(drvText(drv), fetched.builds().get(0).derivationText());

        assertEquals(204, coordinator.send(coordinator.asAgent(agent, "/agent/v1/builds/" + id + "/start")
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
        for (String line : List.of("building\n", "done\n")) {
            assertEquals(204, coordinator.send(coordinator.asAgent(agent, "/agent/v1/builds/" + id + "/log")
                    .POST(HttpRequest.BodyPublishers.ofString(line)).build()).statusCode());
        }
        AttemptInfo attempt = read(coordinator.get(coordinator.client("/api/v1/builds/" + id)), 200, BuildInfo.class)
                .attempts().get(0);
        assertEquals(new AttemptInfo(1, agent.id(), "builder", attempt.startedAt(), null), attempt);
        String header = new AttemptLog(1, "builder", attempt.startedAt(), "").header() + "\n";
        assertEquals(header + "building\ndone\n",
                coordinator.get(coordinator.client("/api/v1/builds/" + id + "/log")).body());
        StatusAnswer status = read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/status")
                .POST(json("{\"running\":[\"" + id + "\",\"" + UUID.randomUUID() + "\"]}")).build()),
                200, StatusAnswer.class);
        assertEquals(1, status.abandon().size());

        String outPath = outputPath(drv);
        Path tree = Files.createDirectories(temporary.resolve("out-tree"));
        Files.writeString(tree.resolve("hello"), "hello from kiln\n");
        byte[] nar = nar(tree);
        NarDigest digest = digest(nar);
        byte[] compressed = zstd(nar);
        int half = compressed.length / 2;

        // The first half arrives, the connection breaks; the agent asks how much arrived and sends the rest.
        String uploadPath = "/agent/v1/builds/" + id + "/outputs/out";
        read(coordinator.send(coordinator.asAgent(agent, uploadPath)
                .header("Content-Range", "bytes 0-" + (half - 1) + "/" + compressed.length)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(compressed, 0, half)).build()), 200, UploadProgress.class);
        UploadProgress progress = read(coordinator.send(coordinator.asAgent(agent, uploadPath).GET().build()), 200,
                UploadProgress.class);
        assertEquals(half, progress.received());
        HttpResponse<String> wrongOffset = coordinator.send(coordinator.asAgent(agent, uploadPath)
                .header("Content-Range", "bytes 1-2/" + compressed.length)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(compressed, 1, 2)).build());
        assertEquals(409, wrongOffset.statusCode(), wrongOffset.body());
        UploadProgress done = read(coordinator.send(coordinator.asAgent(agent, uploadPath)
                .header("Content-Range", "bytes " + half + "-" + (compressed.length - 1) + "/" + compressed.length)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(compressed, half, compressed.length - half)).build()),
                200, UploadProgress.class);
        assertEquals(compressed.length, done.received());

        String success = "{\"outputs\":[{\"name\":\"out\",\"path\":\"" + outPath + "\",\"narHash\":\""
                + digest.narHash().toPrefixedBase32() + "\",\"narSize\":" + digest.narSize()
                + ",\"references\":[],\"fileHash\":null,\"fileSize\":" + compressed.length + "}]}";
        HttpResponse<String> succeeded = coordinator.send(coordinator.asAgent(agent, "/agent/v1/builds/" + id + "/success")
                .POST(json(success)).build());
        assertEquals(204, succeeded.statusCode(), succeeded.body());

        BuildInfo build = read(coordinator.get(coordinator.client("/api/v1/builds/" + id)), 200, BuildInfo.class);
        assertEquals(BuildState.SUCCEEDED, build.state());
        assertEquals(agent.id(), build.agent());
        assertEquals(digest.narHash().toPrefixedBase32(), build.outputs().get(0).narHash());
        assertEquals(header + "building\ndone\n",
                coordinator.get(coordinator.client("/api/v1/builds/" + id + "/log")).body());
        assertTrue(Files.exists(coordinator.stateDir.resolve("logs/" + id + ".log.zst")));

        String narInfo = coordinator.get(coordinator.agent("/" + hashPart(outPath) + ".narinfo")).body();
        assertTrue(narInfo.contains("Compression: zstd"), narInfo);
        assertTrue(narInfo.contains("Sig: kiln-1:"), narInfo);

        String key = Files.readString(coordinator.stateDir.resolve("keys/signing.public"));
        String cache = coordinator.endpoints.agentApi().toString();
        nix.run("nix", "copy", "--from", cache, "--to", nix.store("copy"), "--option", "require-sigs", "true",
                "--option", "trusted-public-keys", key, outPath);
        nix.run("nix", "copy", "--derivation", "--from", cache, "--to", nix.store("copy"), "--option", "require-sigs",
                "true", "--option", "trusted-public-keys", key, drv);
        assertEquals("hello from kiln\n", Files.readString(nix.storeFiles("copy")
                .resolve(outPath.substring("/nix/store/".length())).resolve("hello")));
        assertEquals(drvText(drv), Files.readString(nix.storeFiles("copy").resolve(drv.substring("/nix/store/".length()))));
        nix.run("nix-store", "--store", nix.store("realise"), "--realise", outPath, "--option", "substituters", cache,
                "--option", "require-sigs", "true", "--option", "trusted-public-keys", key);
        assertTrue(Files.exists(nix.storeFiles("realise").resolve(outPath.substring("/nix/store/".length()))));
    }

    @Test
    void aCorruptUploadNeverBecomesASuccess() throws Exception {
        AgentPassword agent = coordinator.newAgent("corrupt", "x86_64-linux");
        String drv = drvPaths.get(1);
        UUID id = submit(drv, 0).results().get(0).id();
        read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/fetch")
                .POST(json("{\"systems\":[\"x86_64-linux\"],\"freeSlots\":1,\"load\":0}")).build()), 200,
                FetchAnswer.class);
        Path tree = Files.createDirectories(temporary.resolve("corrupt-tree"));
        Files.writeString(tree.resolve("file"), "the real contents\n");
        byte[] nar = nar(tree);
        NarDigest digest = digest(nar);
        byte[] wrong = zstd(Arrays.copyOf(nar, nar.length - 8));
        String uploadPath = "/agent/v1/builds/" + id + "/outputs/out";
        assertEquals(200, coordinator.send(coordinator.asAgent(agent, uploadPath)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(wrong)).build()).statusCode());
        String success = "{\"outputs\":[{\"name\":\"out\",\"path\":\"" + outputPath(drv) + "\",\"narHash\":\""
                + digest.narHash().toPrefixedBase32() + "\",\"narSize\":" + digest.narSize() + ",\"references\":[]}]}";
        HttpResponse<String> refused = coordinator.send(coordinator.asAgent(agent, "/agent/v1/builds/" + id + "/success")
                .POST(json(success)).build());
        assertEquals(422, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"error\":\"corrupt upload\""), refused.body());
        assertEquals(BuildState.ALLOCATED, read(coordinator.get(coordinator.client("/api/v1/builds/" + id)), 200,
                BuildInfo.class).state());
        assertEquals(0, read(coordinator.send(coordinator.asAgent(agent, uploadPath).GET().build()), 200,
                UploadProgress.class).received());

        // Another agent may not touch the build.
        AgentPassword other = coordinator.newAgent("other", "x86_64-linux");
        HttpResponse<String> forbidden = coordinator.send(coordinator.asAgent(other, "/agent/v1/builds/" + id + "/failure")
                .POST(json("{}")).build());
        assertEquals(403, forbidden.statusCode(), forbidden.body());

        // The whole, correct upload is accepted.
        assertEquals(200, coordinator.send(coordinator.asAgent(agent, uploadPath)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(zstd(nar))).build()).statusCode());
        assertEquals(204, coordinator.send(coordinator.asAgent(agent, "/agent/v1/builds/" + id + "/success")
                .POST(json(success)).build()).statusCode());
    }

    @Test
    void nixCopyToUploadsPathsWithAToken() throws Exception {
        Path file = Files.writeString(temporary.resolve("seed.txt"), "seeded by an operator\n");
        String path = nix.run("nix-store", "--store", nix.store("seed"), "--add", file.toString()).strip();
        Path netrc = Files.writeString(temporary.resolve("netrc"),
                "machine 127.0.0.1 login kiln password " + coordinator.token() + "\n");
        String cache = coordinator.endpoints.clientApi().toString();
        nix.run("nix", "copy", "--from", nix.store("seed"), "--to", cache, "--option", "netrc-file", netrc.toString(),
                path);
        String narInfo = coordinator.get(coordinator.client("/" + hashPart(path) + ".narinfo")).body();
        assertTrue(narInfo.contains("StorePath: " + path), narInfo);
        assertTrue(narInfo.contains("Sig: kiln-1:"), narInfo);

        String key = Files.readString(coordinator.stateDir.resolve("keys/signing.public"));
        nix.run("nix", "copy", "--from", cache, "--to", nix.store("seed-copy"), "--option", "require-sigs", "true",
                "--option", "trusted-public-keys", key, path);
        assertEquals("seeded by an operator\n",
                Files.readString(nix.storeFiles("seed-copy").resolve(path.substring("/nix/store/".length()))));

        HttpResponse<String> anonymous = coordinator.send(HttpRequest.newBuilder(coordinator.client("/nar/x.nar"))
                .PUT(HttpRequest.BodyPublishers.ofString("nothing")).build());
        assertEquals(401, anonymous.statusCode());
    }

    @Test
    void aSubmissionNeedingStoredDerivationsDoesNotReadTheirClosureAgain() throws Exception {
        List<String> chain = nix.instantiate(nix.store("source"), """
                let
                  first = derivation { name = "chain-first"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; };
                  second = derivation { name = "chain-second"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ${first} > $out" ]; };
                in [ first second (derivation { name = "chain-third"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ${second} > $out" ]; }) ]
                """);
        submitAlone(chain.get(0));
        submitAlone(chain.get(1));
        int before = coordinator.services.derivationReads();

        SubmitAnswer third = submitAlone(chain.get(2));

        assertEquals(SubmitOutcome.CREATED, third.results().get(0).outcome());
        assertEquals(before, coordinator.services.derivationReads(),
                "the hashes of the stored inputs were kept when they were stored");
    }

    /** Submits a build of a derivation with its text alone: its inputs must be stored. */
    private static SubmitAnswer submitAlone(String drv) throws Exception {
        Map<String, Object> body = Map.of("derivations", List.of(Map.of("path", drv, "text", drvText(drv))),
                "builds", List.of(Map.of("derivation", drv)));
        return read(coordinator.postJson(coordinator.client("/api/v1/builds"), ProtocolJson.writeString(body)), 200,
                SubmitAnswer.class);
    }

    @Test
    void aFailedBuildShowsItsExitStatusAndEachAttemptHeadsItsLog() throws Exception {
        AgentPassword agent = coordinator.newAgent("arm builder", "aarch64-linux");
        UUID id = submit(drvPaths.get(2), 0).results().get(0).id();
        for (String attempt : List.of("{\"kind\":\"failed\",\"exitStatus\":3}", "{\"kind\":\"timed-out\"}")) {
            FetchAnswer fetched = read(coordinator.send(coordinator.asAgent(agent, "/agent/v1/fetch")
                    .POST(json("{\"systems\":[\"aarch64-linux\"],\"freeSlots\":1,\"load\":0}")).build()), 200,
                    FetchAnswer.class);
            assertEquals(List.of(id), fetched.builds().stream().map(FetchedBuild::id).toList());
            assertEquals(204, coordinator.send(coordinator.asAgent(agent, "/agent/v1/builds/" + id + "/start")
                    .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
            assertEquals(204, coordinator.send(coordinator.asAgent(agent, "/agent/v1/builds/" + id + "/log")
                    .POST(HttpRequest.BodyPublishers.ofString("ran " + attempt + "\n")).build()).statusCode());
            HttpResponse<String> failed = coordinator.send(coordinator.asAgent(agent,
                    "/agent/v1/builds/" + id + "/failure").POST(json(attempt)).build());
            assertEquals(204, failed.statusCode(), failed.body());
            if (attempt.contains("exitStatus")) {
                BuildInfo shown = read(coordinator.get(coordinator.client("/api/v1/builds/" + id)), 200,
                        BuildInfo.class);
                assertEquals(3, shown.exitStatus());
                assertEquals(3, shown.attempts().get(0).exitStatus());
                assertNull(read(coordinator.get(coordinator.client("/api/v1/builds?limit=1000")), 200,
                        BuildList.class).builds().stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow()
                        .attempts(), "a list does not read attempts");
                read(coordinator.postJson(coordinator.client("/api/v1/builds/" + id + "/retry"), ""), 200,
                        BuildInfo.class);
            }
        }

        BuildInfo build = read(coordinator.get(coordinator.client("/api/v1/builds/" + id)), 200, BuildInfo.class);
        assertNull(build.exitStatus(), "the latest attempt timed out: no exit status");
        assertEquals(List.of(1, 2), build.attempts().stream().map(AttemptInfo::attempt).toList());
        assertEquals(3, build.attempts().get(0).exitStatus(), "the first attempt keeps its own");
        String log = coordinator.get(coordinator.client("/api/v1/builds/" + id + "/log")).body();
        List<AttemptLog> attempts = new ArrayList<>();
        AttemptLog.readAttempts(new BufferedReader(new StringReader(log)), attempts::add);
        assertEquals(List.of(
                new AttemptLog(1, "arm builder", build.attempts().get(0).startedAt(),
                        "ran {\"kind\":\"failed\",\"exitStatus\":3}\n"),
                new AttemptLog(2, "arm builder", build.attempts().get(1).startedAt(),
                        "ran {\"kind\":\"timed-out\"}\n")), attempts, log);
        assertTrue(log.contains("exitStatus\":3}\n\n=== kiln: attempt 2 on agent arm builder at "),
                "an empty line sets the second attempt apart: " + log);
    }

    private static SubmitAnswer submit(String drv, int priority) throws Exception {
        Map<String, Object> body = Map.of(
                "derivations", closure(drv).stream().map(p -> Map.of("path", p, "text", drvText(p))).toList(),
                "builds", List.of(Map.of("derivation", drv, "priority", priority, "tags", Map.of("job", "test"))));
        return read(coordinator.postJson(coordinator.client("/api/v1/builds"), ProtocolJson.writeString(body)), 200,
                SubmitAnswer.class);
    }

    private static List<String> closure(String drv) throws Exception {
        return nix.run("nix-store", "--store", nix.store("source"), "--query", "--requisites", drv).lines()
                .filter(p -> p.endsWith(".drv")).toList();
    }

    private static String outputPath(String drv) throws Exception {
        return nix.run("nix-store", "--store", nix.store("source"), "--query", "--outputs", drv).strip();
    }

    static String drvText(String drv) {
        try {
            return Files.readString(nix.storeFiles("source").resolve(drv.substring("/nix/store/".length())));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String hashPart(String path) {
        return path.substring("/nix/store/".length(), "/nix/store/".length() + 32);
    }

    static HttpRequest.BodyPublisher json(String text) {
        return HttpRequest.BodyPublishers.ofString(text);
    }

    static <T> T read(HttpResponse<String> response, int status, Class<T> type) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        return ProtocolJson.read(response.body().getBytes(StandardCharsets.UTF_8), type);
    }

    static byte[] nar(Path tree) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NarWriter.write(tree, out);
        return out.toByteArray();
    }

    static NarDigest digest(byte[] nar) throws IOException {
        HashingOutputStream hashing = new HashingOutputStream(HashAlgorithm.SHA256, OutputStream.nullOutputStream());
        hashing.write(nar);
        return hashing.digest();
    }

    static byte[] zstd(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressing = Compression.ZSTD.compress(out)) {
            compressing.write(bytes);
        }
        return out.toByteArray();
    }
}
