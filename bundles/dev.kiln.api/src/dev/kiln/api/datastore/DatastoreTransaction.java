package dev.kiln.api.datastore;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.EventType;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.SetupFailure;
import dev.kiln.api.Tag;

/** Reads and writes inside {@link Datastore#write}. Valid only during that call, on its thread. */
@ProviderType
public interface DatastoreTransaction extends DatastoreReader {

    /** Stores derivations; those already stored are left as they are. */
    void insertDerivations(Collection<DerivationSummary> derivations);

    /** The sequence number for the next build, greater than every other. */
    long nextBuildSequence();

    void insertBuild(Build build);

    /**
     * Writes the mutable fields of a build: state, priority, times, agent, setup failure count, defer time, failure
     * kind.
     */
    void updateBuild(Build build);

    /** Replaces the tags of a build (not its required agent tags). */
    void updateBuildTags(UUID buildId, Set<Tag> tags);

    /** Records the outputs of a succeeded build and holds their paths. */
    void insertBuildOutputs(UUID buildId, String derivationPath, List<OutputMetadata> outputs, Instant at);

    /** Stops holding these store paths: their narinfos are no longer served. Paths not held are left. */
    void deleteHeldPaths(Collection<String> storePaths);

    /** Records when held paths were last served, by hash part; unknown hash parts are left. */
    void recordServed(Map<String, Instant> byHashPart);

    /**
     * Deletes the events older than {@code cutoff} that every reader of the outbox has passed.
     *
     * @return how many were deleted
     */
    int deleteEventsBefore(Instant cutoff);

    void insertSetupFailure(SetupFailure failure);

    /** Records a new attempt of a build, or writes the exit status of one recorded before. */
    void saveAttempt(BuildAttempt attempt);

    /** Appends an event to the outbox; it is published to listeners when the transaction commits. */
    Event appendEvent(EventType type, Instant time, UUID buildId, UUID agentId, Map<String, String> data);

    /** Stores positions of the outbox's readers, by name, inserting or replacing each. */
    void saveEventCursors(Map<String, Long> positions);

    void insertAgent(Agent agent, String passwordHash);

    /** Writes an agent's name, description, systems, tags, active flag and last-seen time. */
    void updateAgent(Agent agent);

    void updateAgentPasswordHash(UUID agentId, String passwordHash);

    /** Deletes an agent with its password, systems and tags; builds and events keep its id. */
    void deleteAgent(UUID agentId);

    /** Inserts a jobset, or replaces the definition of the jobset of that name. */
    void saveJobset(StoredJobset jobset);

    /** Removes a jobset; its evaluations stay. Returns whether there was one. */
    boolean deleteJobset(String name);

    /** Inserts an evaluation, or replaces the one of that id. */
    void saveEvaluation(StoredEvaluation evaluation);

    /** Appends derivations found by an evaluation, each with its build; a derivation it had already is left. */
    void insertEvaluationBuilds(long evaluationId, List<EvaluationBuild> builds);

    /**
     * Runs {@code action} once this transaction committed, before the next write transaction starts, so that
     * actions run in commit order (the coordinator tells the allocator of changes this way). Not run on rollback.
     * The action must be quick and must not open a transaction.
     */
    void afterCommit(Runnable action);
}
