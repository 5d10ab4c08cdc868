package dev.kiln.cache.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.kiln.api.RetentionPolicy;
import dev.kiln.api.datastore.HeldPath;

/** What retention reads and changes in the coordinator's database. Thread-safe. */
interface RetentionData {

    /** Every held path. */
    List<HeldPath> heldPaths();

    /**
     * The paths kept whatever else the policy says: the outputs of the latest evaluations of each jobset, of builds
     * tagged {@link RetentionPolicy#KEEP_TAG}, and what scheduled, allocated or started builds need.
     */
    Set<String> roots(RetentionPolicy policy);

    /**
     * In one write transaction, stops holding these paths but those that {@code spared} gives for the paths pending
     * builds need now (what they need and its closure), so that a build submitted since the plan loses nothing.
     *
     * @return the paths no longer held
     */
    Set<String> deleteHeldPaths(Collection<String> paths, UnaryOperator<Set<String>> spared);

    /** Which of these NarHashes a held path has. */
    Set<String> heldNarHashes(Collection<String> narHashes);

    /** Records serving times by hash part, without waiting for the disk. */
    void recordServed(Map<String, Instant> byHashPart);

    /** Deletes the events older than the cutoff that every reader has passed; returns how many. */
    int deleteEventsBefore(Instant cutoff);
}
