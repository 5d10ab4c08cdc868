package dev.kiln.agent.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;

import dev.kiln.protocol.BuildLimitsInfo;
import dev.kiln.protocol.SetupFailureKind;

/**
 * The agent's side of the coordinator's agent API. Every call is one request; an {@link IOException} means it
 * may be retried, a {@link RejectedException} that it must not (the coordinator refused it for good). Thread-safe.
 */
interface CoordinatorConnection {

    /**
     * A build the coordinator allocated to this agent.
     *
     * @param limits what it may use; null when not known (a build held before a restart)
     */
    record AllocatedBuild(UUID id, String drvPath, String derivationText, String system, BuildLimitsInfo limits) {

        AllocatedBuild(UUID id, String drvPath, String derivationText, String system) {
            this(id, drvPath, derivationText, system, null);
        }
    }

    /** One output as reported on success; hashes are {@code sha256:<nix-base32>}. */
    record OutputReport(String name, String path, String narHash, long narSize, SortedSet<String> references,
            String fileHash, long fileSize) {
    }

    /** An output's zstd-compressed NAR, ready to be uploaded: in memory when it is small, else in a spool file. */
    sealed interface CompressedNar {
        record InMemory(byte[] bytes) implements CompressedNar {
        }

        record Spooled(Path file) implements CompressedNar {
        }
    }

    /** Why the coordinator refused a request. */
    enum Refusal {
        /** Wrong id or password, or the agent was removed (401). */
        CREDENTIALS,
        /** The agent is deactivated: it gets no builds, but may report on those it drains (403 on a fetch). */
        DEACTIVATED,
        /** What answers is not an agent API: the client API's port, or another server (404 on a fetch). */
        NOT_AN_AGENT_API,
        /** Anything else, for this request alone (a build taken back, a bad request). */
        OTHER
    }

    /** The coordinator refused a request (4xx): retrying it cannot help. */
    final class RejectedException extends IOException {
        private static final long serialVersionUID = 1L;

        private final Refusal refusal;

        RejectedException(String message) {
            this(message, Refusal.OTHER);
        }

        RejectedException(String message, Refusal refusal) {
            super(message);
            this.refusal = refusal;
        }

        Refusal refusal() {
            return refusal;
        }
    }

    /**
     * Asks for up to {@code freeSlots} builds, counting those allocated here and not started; {@code running} says how
     * many builders run here now, for the free slots the coordinator shows.
     */
    List<AllocatedBuild> fetch(List<String> systems, AgentSettings.Features features, int freeSlots, int running,
            double load) throws IOException;

    /** @return the builds among {@code running} that the agent must abandon */
    Set<UUID> status(Set<UUID> running) throws IOException;

    /** {@link #status(Set)}, also telling the agent's load average and free build slots. */
    default Set<UUID> status(Set<UUID> running, double load, int freeSlots) throws IOException {
        return status(running);
    }

    /**
     * {@link #status(Set, double, int)}, also telling the agent's free bytes of disk and why it takes no work, null when
     * it does.
     */
    default Set<UUID> status(Set<UUID> running, double load, int freeSlots, long freeDisk, String idle)
            throws IOException {
        return status(running, load, freeSlots);
    }

    void restarted() throws IOException;

    String derivationText(String drvPath) throws IOException;

    void start(UUID build) throws IOException;

    void appendLog(UUID build, byte[] bytes) throws IOException;

    /**
     * Sends an output's compressed NAR: from its first byte, or with {@code resume} (a call after a broken one, or
     * after a restart) from the bytes the coordinator already holds.
     */
    void upload(UUID build, String output, CompressedNar nar, boolean resume) throws IOException;

    void success(UUID build, List<OutputReport> outputs) throws IOException;

    /** @param kind {@code failed}, {@code timed-out}, {@code silent}, {@code log-limit} or {@code output-limit} */
    void failure(UUID build, String kind, Integer exitStatus) throws IOException;

    void setupFailure(UUID build, SetupFailureKind kind, List<String> missingInputs) throws IOException;
}
