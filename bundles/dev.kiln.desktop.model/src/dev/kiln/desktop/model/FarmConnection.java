package dev.kiln.desktop.model;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.kiln.client.EventStream;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.AgentPlanInfo;
import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildList;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.DerivationInfo;
import dev.kiln.protocol.EvaluationInfo;
import dev.kiln.protocol.HookInfo;
import dev.kiln.protocol.JobsetInfo;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.protocol.SubmitResult;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.retry.Backoff;

/**
 * What the desktop client asks of one coordinator, in the protocol's records. {@link ClientConnection} asks it through
 * {@link dev.kiln.client.KilnClient}; tests substitute a coordinator in memory. Every method but {@link #events}
 * blocks on the network: call them off the UI thread. Implementations are thread-safe. Every failure is a
 * {@link FarmException} whose kind tells the operator what to do.
 */
public interface FarmConnection extends AutoCloseable {

    URI coordinator();

    /**
     * A page of builds in the coordinator's order; the first page ({@code cursor} {@code null}) also says how many
     * builds match in all.
     *
     * @param cursor {@code null} for the first page, else the previous page's {@link BuildList#next()}
     * @param limit  1 to 1000
     */
    BuildList listBuilds(BuildFilter filter, BuildSort sort, boolean ascending, String cursor, int limit)
            throws FarmException;

    /** A page of builds, newest first. */
    default BuildList listBuilds(BuildFilter filter, String cursor, int limit) throws FarmException {
        return listBuilds(filter, BuildSort.SUBMITTED, false, cursor, limit);
    }

    /** How many builds are in each state (every state present, zero included). */
    Map<BuildState, Long> countBuilds() throws FarmException;

    /** Sets the tags {@code set} on a build (a key it has gets the new value) and removes the keys {@code remove}. */
    BuildInfo tag(UUID build, Map<String, String> set, List<String> remove) throws FarmException;

    BuildInfo build(UUID id) throws FarmException;

    DerivationInfo derivation(String path) throws FarmException;

    /** The log written so far. */
    String log(UUID build) throws FarmException;

    /** Streams the log from its start, then as it grows, until the build is final or the subscription closed. */
    Subscription followLog(UUID build, LogListener listener) throws FarmException;

    BuildInfo cancel(UUID build) throws FarmException;

    BuildInfo retry(UUID build) throws FarmException;

    BuildInfo setPriority(UUID build, int priority) throws FarmException;

    /** Why a build has not started, in the coordinator's order; no reasons when it does not wait. */
    WaitingInfo waiting(UUID build) throws FarmException;

    /** A build's dependency graph: its inputs not built yet and its dependents, at most {@code maxNodes}. */
    BuildGraphInfo graph(UUID build, int maxNodes) throws FarmException;

    /** Cancels a build and every build not final that needs it; returns the builds canceled. */
    List<BuildInfo> cancelWithDependents(UUID build) throws FarmException;

    /** Raises to {@code priority} the pending builds of the inputs a build waits for; returns those raised. */
    List<BuildInfo> raiseInputPriority(UUID build, int priority) throws FarmException;

    List<AgentInfo> agents() throws FarmException;

    AgentPassword createAgent(NewAgentBody agent) throws FarmException;

    AgentPassword newPassword(UUID agent) throws FarmException;

    AgentInfo setActive(UUID agent, boolean active) throws FarmException;

    List<AgentPlanInfo> plan() throws FarmException;

    List<HookInfo> hooks() throws FarmException;

    /** Installs (or replaces) a hook bundle under the file name {@code fileName}. */
    void installHook(String fileName, byte[] bundle) throws FarmException;

    void removeHook(String fileName) throws FarmException;

    /**
     * Submits one build for each {@code .drv} file, sending the coordinator every derivation of their closures and
     * every input source it lacks (read next to the files, else in their store).
     */
    List<SubmitResult> submit(List<Path> derivationFiles, int priority, Map<String, String> tags)
            throws FarmException;

    /** Every jobset, by name. */
    List<JobsetInfo> jobsets() throws FarmException;

    JobsetInfo addJobset(JobsetInfo jobset) throws FarmException;

    /** Changes the jobset of the same name. */
    JobsetInfo changeJobset(JobsetInfo jobset) throws FarmException;

    void removeJobset(String name) throws FarmException;

    JobsetInfo setJobsetEnabled(String name, boolean enabled) throws FarmException;

    /** Asks for an evaluation now; it starts after the one under way, if any. */
    void evaluate(String jobset) throws FarmException;

    /** The jobset's evaluations, newest first, without summaries. */
    List<EvaluationInfo> evaluations(String jobset) throws FarmException;

    /** One evaluation with its summary. */
    EvaluationInfo evaluation(long id) throws FarmException;

    /** What the evaluation's command printed. */
    String evaluationLog(long id) throws FarmException;

    /** Cancels the evaluation's builds that have not finished; returns how many. */
    int cancelEvaluation(long id) throws FarmException;

    /**
     * Follows the event stream, opening it again after each drop, as {@link EventStream} does; returns at once.
     *
     * @param after the last event already seen, to resume after it; negative to start from now
     * @param retry how long to wait before each new attempt
     */
    Subscription events(long after, Backoff retry, EventStream.Listener listener);

    /** Closes streams and frees the connection's resources. */
    @Override
    void close();
}
