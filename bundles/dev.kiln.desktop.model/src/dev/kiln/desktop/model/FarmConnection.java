package dev.kiln.desktop.model;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the desktop client asks of one coordinator. Every method blocks on the network: call them off the UI thread.
 * Implementations are thread-safe. Every failure is a {@link FarmException} whose kind tells the operator what to do.
 */
public interface FarmConnection extends AutoCloseable {

    URI coordinator();

    /** Checks that the coordinator answers and accepts the token. */
    void probe() throws FarmException;

    /**
     * A page of builds in the coordinator's order; the first page ({@code cursor} {@code null}) also says how many
     * builds match in all.
     *
     * @param cursor {@code null} for the first page, else the previous page's {@link BuildPage#next()}
     * @param limit  1 to 1000
     */
    BuildPage listBuilds(BuildFilter filter, BuildSort sort, boolean ascending, String cursor, int limit)
            throws FarmException;

    /** A page of builds, newest first. */
    default BuildPage listBuilds(BuildFilter filter, String cursor, int limit) throws FarmException {
        return listBuilds(filter, BuildSort.SUBMITTED, false, cursor, limit);
    }

    /** How many builds are in each state (every state present, zero included). */
    Map<BuildState, Long> countBuilds() throws FarmException;

    /** Sets the tags {@code set} on a build (a key it has gets the new value) and removes the keys {@code remove}. */
    Build tag(UUID build, Map<String, String> set, List<String> remove) throws FarmException;

    Build build(UUID id) throws FarmException;

    Derivation derivation(String path) throws FarmException;

    /** The log written so far. */
    String log(UUID build) throws FarmException;

    /** Streams the log from its start, then as it grows, until the build is final or the subscription closed. */
    Subscription followLog(UUID build, LogListener listener) throws FarmException;

    Build cancel(UUID build) throws FarmException;

    Build retry(UUID build) throws FarmException;

    Build setPriority(UUID build, int priority) throws FarmException;

    List<Agent> agents() throws FarmException;

    AgentCredentials createAgent(NewAgent agent) throws FarmException;

    AgentCredentials newPassword(UUID agent) throws FarmException;

    Agent setActive(UUID agent, boolean active) throws FarmException;

    List<AgentPlan> plan() throws FarmException;

    List<Hook> hooks() throws FarmException;

    /** Installs (or replaces) a hook bundle under the file name {@code fileName}. */
    void installHook(String fileName, byte[] bundle) throws FarmException;

    void removeHook(String fileName) throws FarmException;

    /**
     * Submits one build for each {@code .drv} file, sending the coordinator every derivation of their closures it
     * lacks (read next to the files, in their store).
     */
    List<SubmitOutcome> submit(List<Path> derivationFiles, int priority, Map<String, String> tags)
            throws FarmException;

    /** Every jobset, by name. */
    List<Jobset> jobsets() throws FarmException;

    Jobset addJobset(Jobset jobset) throws FarmException;

    /** Changes the jobset of the same name. */
    Jobset changeJobset(Jobset jobset) throws FarmException;

    void removeJobset(String name) throws FarmException;

    Jobset setJobsetEnabled(String name, boolean enabled) throws FarmException;

    /** Asks for an evaluation now; it starts after the one under way, if any. */
    void evaluate(String jobset) throws FarmException;

    /** The jobset's evaluations, newest first, without summaries. */
    List<Evaluation> evaluations(String jobset) throws FarmException;

    /** One evaluation with its summary. */
    Evaluation evaluation(long id) throws FarmException;

    /** What the evaluation's command printed. */
    String evaluationLog(long id) throws FarmException;

    /** Cancels the evaluation's builds that have not finished; returns how many. */
    int cancelEvaluation(long id) throws FarmException;

    /**
     * Subscribes to the event stream.
     *
     * @param lastEventId the last event already seen, to resume after it; negative to start from now
     */
    Subscription subscribe(long lastEventId, EventListener listener) throws FarmException;

    /** Closes streams and frees the connection's resources. */
    @Override
    void close();
}
