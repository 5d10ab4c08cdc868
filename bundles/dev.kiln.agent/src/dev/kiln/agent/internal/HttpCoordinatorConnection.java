package dev.kiln.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The agent API over HTTP, with HTTP Basic authentication as the agent. */
final class HttpCoordinatorConnection implements CoordinatorConnection {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String authorization;

    HttpCoordinatorConnection(HttpClient http, URI coordinator, UUID agent, String password) {
        this.http = http;
        this.base = coordinator.toString().endsWith("/") ? coordinator : URI.create(coordinator + "/");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (agent + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Authorization", authorization);
    }

    private HttpResponse<String> send(HttpRequest request, int... expected) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(request.method() + " " + request.uri() + " interrupted");
        }
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        String message = request.method() + " " + request.uri().getPath() + " answered " + response.statusCode() + ": "
                + response.body();
        if (response.statusCode() >= 400 && response.statusCode() < 500 && response.statusCode() != 408
                && response.statusCode() != 429) {
            throw new RejectedException(message);
        }
        throw new IOException(message);
    }

    private JsonNode post(String path, JsonNode body, int... expected) throws IOException {
        HttpResponse<String> response = send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(), expected);
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    @Override
    public List<AllocatedBuild> fetch(List<String> systems, int freeSlots, double load) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode systemsNode = body.putArray("systems");
        systems.forEach(systemsNode::add);
        body.put("freeSlots", freeSlots).put("load", load);
        List<AllocatedBuild> builds = new ArrayList<>();
        for (JsonNode build : post("agent/v1/fetch", body, 200).path("builds")) {
            builds.add(new AllocatedBuild(UUID.fromString(build.path("id").asText()), build.path("derivation").asText(),
                    build.path("derivationText").asText(), build.path("system").asText()));
        }
        return builds;
    }

    @Override
    public Set<UUID> status(Set<UUID> running) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode runningNode = body.putArray("running");
        running.forEach(id -> runningNode.add(id.toString()));
        Set<UUID> abandon = new HashSet<>();
        for (JsonNode id : post("agent/v1/status", body, 200).path("abandon")) {
            abandon.add(UUID.fromString(id.asText()));
        }
        return abandon;
    }

    @Override
    public void restarted() throws IOException {
        post("agent/v1/restarted", JSON.createObjectNode(), 204, 200);
    }

    @Override
    public String derivationText(String drvPath) throws IOException {
        return send(request("agent/v1/derivations?path=" + URLEncoder.encode(drvPath, StandardCharsets.UTF_8)).GET()
                .build(), 200).body();
    }

    @Override
    public void start(UUID build) throws IOException {
        post("agent/v1/builds/" + build + "/start", JSON.createObjectNode(), 204, 200);
    }

    @Override
    public void appendLog(UUID build, byte[] bytes) throws IOException {
        send(request("agent/v1/builds/" + build + "/log").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), 204, 200);
    }

    @Override
    public long uploadedBytes(UUID build, String output) throws IOException {
        HttpResponse<String> response = send(request(outputPath(build, output)).GET().build(), 200, 404);
        return response.statusCode() == 404 ? 0 : JSON.readTree(response.body()).path("received").asLong();
    }

    @Override
    public void upload(UUID build, String output, Path file, long offset) throws IOException {
        long size = Files.size(file);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> openAt(file, offset)), size - offset);
        HttpRequest.Builder request = request(outputPath(build, output)).header("Content-Type", "application/zstd");
        if (offset > 0) {
            request.header("Content-Range", "bytes " + offset + "-" + (size - 1) + "/" + size);
        }
        send(request.PUT(body).build(), 200, 201, 204);
    }

    private static InputStream openAt(Path file, long offset) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(offset);
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String outputPath(UUID build, String output) {
        return "agent/v1/builds/" + build + "/outputs/" + URLEncoder.encode(output, StandardCharsets.UTF_8);
    }

    @Override
    public void success(UUID build, List<OutputReport> outputs) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode outputsNode = body.putArray("outputs");
        for (OutputReport output : outputs) {
            ObjectNode node = outputsNode.addObject().put("name", output.name()).put("path", output.path())
                    .put("narHash", output.narHash()).put("narSize", output.narSize())
                    .put("fileHash", output.fileHash()).put("fileSize", output.fileSize());
            ArrayNode references = node.putArray("references");
            output.references().forEach(references::add);
        }
        post("agent/v1/builds/" + build + "/success", body, 204, 200);
    }

    @Override
    public void failure(UUID build) throws IOException {
        post("agent/v1/builds/" + build + "/failure", JSON.createObjectNode(), 204, 200);
    }

    @Override
    public void setupFailure(UUID build, SetupFailureKind kind, List<String> missingInputs) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("kind", kind.wireName);
        ArrayNode missing = body.putArray("missingInputs");
        missingInputs.forEach(missing::add);
        post("agent/v1/builds/" + build + "/setup-failure", body, 204, 200);
    }
}
