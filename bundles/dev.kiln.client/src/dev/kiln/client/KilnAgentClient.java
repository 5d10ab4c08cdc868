package dev.kiln.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongConsumer;

import javax.net.ssl.SSLContext;

import dev.kiln.protocol.FailureBody;
import dev.kiln.protocol.FetchAnswer;
import dev.kiln.protocol.FetchBody;
import dev.kiln.protocol.FetchedBuild;
import dev.kiln.protocol.SetupFailureBody;
import dev.kiln.protocol.SetupFailureKind;
import dev.kiln.protocol.StatusAnswer;
import dev.kiln.protocol.StatusBody;
import dev.kiln.protocol.SuccessBody;
import dev.kiln.protocol.UploadProgress;
import dev.kiln.protocol.UploadedOutput;

/**
 * A client of the agent API, authenticated as one agent. Immutable and thread-safe. Every method throws
 * {@link KilnApiException} when the coordinator refuses (403: the build is not allocated to this agent any more) and
 * {@link CoordinatorUnreachableException} when it cannot be reached.
 */
public final class KilnAgentClient {

    private static final int UPLOAD_ATTEMPTS = 5;

    private final BlockingHttp http;

    /**
     * @param coordinator the base URL of the agent API, for example {@code http://coordinator:8745}
     * @param agentId the agent's id
     * @param password its password
     */
    public KilnAgentClient(URI coordinator, UUID agentId, String password) {
        this(coordinator, agentId, password, null);
    }

    /**
     * @param coordinator the base URL of the agent API, for example {@code https://coordinator:8745}
     * @param agentId the agent's id
     * @param password its password
     * @param tls the TLS context an {@code https://} agent API is reached with (see
     *        {@link TrustedCertificates#sslContext}), or null for the JVM's default
     */
    public KilnAgentClient(URI coordinator, UUID agentId, String password, SSLContext tls) {
        String base = Objects.requireNonNull(coordinator, "coordinator").toString();
        String credentials = agentId + ":" + Objects.requireNonNull(password, "password");
        String authorization = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        this.http = new BlockingHttp(URI.create(base.endsWith("/") ? base : base + "/"), () -> authorization, tls);
    }

    /** Takes up to {@code freeSlots} builds; also a heartbeat. */
    public List<FetchedBuild> fetch(List<String> systems, int freeSlots, double load) throws IOException {
        return fetch(new FetchBody(systems, freeSlots, load));
    }

    /** Takes up to {@code freeSlots} builds of the systems and features the request names; also a heartbeat. */
    public List<FetchedBuild> fetch(FetchBody request) throws IOException {
        return http.json("POST", "agent/v1/fetch", request, FetchAnswer.class).builds();
    }

    /** Reports the running builds; answers those the agent must abandon. A heartbeat. */
    public List<UUID> status(List<UUID> running) throws IOException {
        return http.json("POST", "agent/v1/status", new StatusBody(running), StatusAnswer.class).abandon();
    }

    /**
     * Reports the running builds, the load average, the free build slots, the free bytes of disk and why the agent
     * takes no work (null when it does); see {@link #status(List)}.
     */
    public List<UUID> status(List<UUID> running, double load, int freeSlots, long freeDisk, String idle)
            throws IOException {
        return http.json("POST", "agent/v1/status", new StatusBody(running, load, freeSlots, freeDisk, idle),
                StatusAnswer.class).abandon();
    }

    /** Reports the running builds, the load average and the free build slots; see {@link #status(List)}. */
    public List<UUID> status(List<UUID> running, double load, int freeSlots) throws IOException {
        return http.json("POST", "agent/v1/status", new StatusBody(running, load, freeSlots), StatusAnswer.class)
                .abandon();
    }

    /** Tells the coordinator this agent lost its builds (it restarted): they are scheduled again. */
    public void restarted() throws IOException {
        http.json("POST", "agent/v1/restarted", null, Void.class);
    }

    /** The ATerm text of a derivation the coordinator knows. */
    public String derivationText(String drvPath) throws IOException {
        BlockingHttp.Response response = http.send("GET", "agent/v1/derivations?path=" + Http.encode(drvPath),
                BlockingHttp.bytes(new byte[0], 0, 0));
        Http.check(response.status(), response.body());
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    public void started(UUID buildId) throws IOException {
        http.json("POST", "agent/v1/builds/" + buildId + "/start", null, Void.class);
    }

    /** Appends bytes to the build's log; the stream is sent as it is read (chunked). */
    public void appendLog(UUID buildId, InputStream bytes) throws IOException {
        BlockingHttp.Response response = http.send("POST", "agent/v1/builds/" + buildId + "/log",
                new BlockingHttp.Body(-1, false, bytes::transferTo));
        Http.check(response.status(), response.body());
    }

    /** How many bytes of an output upload the coordinator holds. */
    public long received(UUID buildId, String output) throws IOException {
        return http.json("GET", outputPath(buildId, output), null, UploadProgress.class).received();
    }

    /**
     * Uploads a zstd-compressed NAR file; a broken connection is retried a few times, each retry continuing from the
     * bytes the coordinator holds. A first upload starts at the first byte without asking the coordinator: one round
     * trip less for each output.
     *
     * @param resume whether an earlier call may have sent part of this output, so that the coordinator is asked first
     *        where its copy stops
     * @param progress told the number of bytes the coordinator holds after each attempt
     */
    public void uploadOutput(UUID buildId, String output, Path compressedNar, boolean resume, LongConsumer progress)
            throws IOException {
        long total = Files.size(compressedNar);
        upload(buildId, output, total, start -> new BlockingHttp.Body(total - start, true, out -> {
            try (InputStream in = Files.newInputStream(compressedNar)) {
                in.skipNBytes(start);
                if (in.transferTo(out) != total - start) {
                    throw new IOException(compressedNar + " changed while it was sent");
                }
            }
        }), resume, progress);
    }

    /** {@link #uploadOutput(String, String, Path, boolean, LongConsumer)} of a NAR held in memory. */
    public void uploadOutput(UUID buildId, String output, byte[] compressedNar, boolean resume, LongConsumer progress)
            throws IOException {
        upload(buildId, output, compressedNar.length,
                start -> BlockingHttp.bytes(compressedNar, (int) start, (int) (compressedNar.length - start)), resume,
                progress);
    }

    /** The bytes of an upload from an offset to the end. */
    @FunctionalInterface
    private interface UploadBody {
        BlockingHttp.Body from(long start);
    }

    private void upload(UUID buildId, String output, long total, UploadBody body, boolean resume,
            LongConsumer progress) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < UPLOAD_ATTEMPTS; attempt++) {
            try {
                long start = attempt == 0 && !resume ? 0 : received(buildId, output);
                if (start > total) {
                    start = 0;
                }
                progress.accept(start);
                if (start == total && total > 0) {
                    return;
                }
                // A broken upload goes on from the bytes the coordinator holds, which it is asked for first.
                BlockingHttp.Body bytes = BlockingHttp.sentOnce(body.from(start));
                BlockingHttp.Response response = total > 0
                        ? http.send("PUT", outputPath(buildId, output), bytes, "Content-Range",
                                "bytes " + start + "-" + (total - 1) + "/" + total)
                        : http.send("PUT", outputPath(buildId, output), bytes);
                Http.check(response.status(), response.body());
                progress.accept(total);
                return;
            } catch (KilnApiException e) {
                throw e;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Reports success; the coordinator checks every uploaded NAR first. */
    public void succeeded(UUID buildId, List<UploadedOutput> outputs) throws IOException {
        http.json("POST", "agent/v1/builds/" + buildId + "/success", new SuccessBody(outputs), Void.class);
    }

    public void failed(UUID buildId) throws IOException {
        http.json("POST", "agent/v1/builds/" + buildId + "/failure", null, Void.class);
    }

    /**
     * Reports a failure of a kind: {@code failed}, {@code timed-out}, {@code silent}, {@code log-limit} or
     * {@code output-limit}, with the builder's exit status when known (else null).
     */
    public void failed(UUID buildId, String kind, Integer exitStatus) throws IOException {
        http.json("POST", "agent/v1/builds/" + buildId + "/failure", new FailureBody(kind, exitStatus), Void.class);
    }

    /** Reports that the build could not be set up; it is scheduled again. */
    public void setupFailed(UUID buildId, SetupFailureKind kind, List<String> missingInputs) throws IOException {
        http.json("POST", "agent/v1/builds/" + buildId + "/setup-failure",
                new SetupFailureBody(kind, missingInputs), Void.class);
    }

    private static String outputPath(UUID buildId, String output) {
        return "agent/v1/builds/" + buildId + "/outputs/" + Http.encode(output);
    }
}
