package dev.kiln.api.datastore;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

import dev.kiln.api.Agent;
import dev.kiln.api.Build;
import dev.kiln.api.BuildAttempt;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildState;
import dev.kiln.api.DerivationSummary;
import dev.kiln.api.Event;
import dev.kiln.api.OutputMetadata;
import dev.kiln.api.RunningBuild;
import dev.kiln.api.SetupFailure;
import dev.kiln.api.StoredOutput;
import dev.kiln.api.allocation.PendingBuild;

/**
 * Reads, inside {@link Datastore#read} or {@link Datastore#write}. Valid only during that call, on its thread.
 * Collections passed in may be large: implementations query them in chunks.
 */
@ProviderType
public interface DatastoreReader {

    Optional<Build> build(UUID buildId);

    /** The builds that exist among these ids, in no particular order. */
    List<Build> builds(Collection<UUID> buildIds);

    /** One page of builds, in the query's order. */
    BuildPage builds(BuildQuery query);

    /**
     * How many builds match the query's filters, by state (states without builds absent): without filters other
     * than states, from counts kept as transactions commit (with this transaction's changes); else one grouped query.
     */
    Map<BuildState, Long> buildCounts(BuildQuery filter);

    /** Every allocated and started build, with its agent, oldest first. */
    List<RunningBuild> runningBuilds();

    /** The builds of an agent in these states, oldest first. */
    List<Build> buildsOfAgent(UUID agentId, Set<BuildState> states);

    /** Every build of these derivations. */
    List<BuildRef> buildRefsOfDerivations(Collection<String> derivationPaths);

    /** The builds in these states whose derivation has one of these input derivations. */
    List<BuildRef> buildRefsWaitingOn(Collection<String> inputDerivationPaths, Set<BuildState> states);

    /** For each of these output paths that a build is for (through its derivation), one such build. */
    Map<String, UUID> buildsProducing(Collection<String> outputPaths);

    Optional<DerivationSummary> derivation(String derivationPath);

    /** The known derivations among these, with their text. */
    Map<String, DerivationSummary> derivations(Collection<String> derivationPaths);

    /** Which of these derivations are known. */
    Set<String> knownDerivations(Collection<String> derivationPaths);

    /** The input derivations of each of these known derivations. */
    Map<String, Set<String>> inputDerivations(Collection<String> derivationPaths);

    /** Which of these store paths are held (outputs of succeeded builds). */
    Set<String> heldPaths(Collection<String> storePaths);

    Optional<StoredOutput> storedOutput(String storePath);

    Optional<StoredOutput> storedOutputByHashPart(String hashPart);

    /** Up to {@code limit} held store paths after {@code afterPath} (empty for the first), in the order of their paths. */
    List<StoredOutput> storedOutputs(String afterPath, int limit);

    /**
     * Every held path with its NAR, references, and when it was stored and last served: what retention weighs, read
     * in a few queries whatever their number.
     */
    List<HeldPath> heldPathsForRetention();

    /** The output paths of these derivations, those not yet built included. */
    Set<String> outputPathsOf(Collection<String> derivationPaths);

    /** The derivations of the builds that carry a tag with this key, whatever its value. */
    Set<String> derivationsOfBuildsTagged(String tagKey);

    /**
     * The store paths the scheduled, allocated and started builds need: the outputs of their input derivations and
     * their input sources.
     */
    Set<String> pathsNeededByPendingBuilds();

    /** Which of these NarHashes a held path has. */
    Set<String> heldNarHashes(Collection<String> narHashes);

    /** The outputs a build reported on success, by name. */
    List<OutputMetadata> buildOutputs(UUID buildId);

    /** A build's setup failures, oldest first. */
    List<SetupFailure> setupFailures(UUID buildId);

    /** A build's attempts, by number. */
    List<BuildAttempt> attempts(UUID buildId);

    Optional<Agent> agent(UUID agentId);

    /** The agent of this name; names are unique. */
    Optional<Agent> agentNamed(String name);

    /** Every agent, by name. */
    List<Agent> agents();

    /** The stored hash of an agent's password. */
    Optional<String> agentPasswordHash(UUID agentId);

    /** Agents not seen since {@code cutoff} (or never) that hold allocated or started builds. */
    List<UUID> agentsSilentSince(Instant cutoff);

    /** Every scheduled, allocated and started build, with its input derivations. */
    List<PendingBuild> pendingBuilds();

    /** The builds that finished at or after {@code since} after starting, in the order they finished. */
    List<BuildTime> buildTimesSince(Instant since);

    /** Up to {@code limit} events with an id greater than {@code afterId}, in id order. */
    List<Event> eventsAfter(long afterId, int limit);

    /** The greatest event id, 0 when there is no event. */
    long latestEventId();

    /** The stored positions of the outbox's readers whose names start with {@code prefix}, by name. */
    Map<String, Long> eventCursors(String prefix);

    /** Every jobset, by name. */
    List<StoredJobset> jobsets();

    Optional<StoredEvaluation> evaluation(long evaluationId);

    /** Up to {@code limit} evaluations of a jobset, newest first. */
    List<StoredEvaluation> evaluationsOfJobset(String jobset, int limit);

    /** The newest evaluation of each jobset that has one, by jobset name. */
    Map<String, StoredEvaluation> latestEvaluations();

    /** The greatest evaluation id, 0 when there is none. */
    long latestEvaluationId();

    /** The derivations an evaluation found, with their builds, in the order it found them. */
    List<EvaluationBuild> evaluationBuilds(long evaluationId);

    /** The ids of the evaluations that found a derivation this build stands for, in increasing order. */
    List<Long> evaluationsWithBuild(UUID buildId);
}
