package dev.kiln.cache.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import dev.kiln.api.RetentionPolicy;
import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.EvaluationBuild;
import dev.kiln.api.datastore.HeldPath;
import dev.kiln.api.datastore.StoredEvaluation;

/** {@link RetentionData} in the coordinator's {@link Datastore}. */
final class DatastoreRetentionData implements RetentionData {

    private final Datastore datastore;

    DatastoreRetentionData(Datastore datastore) {
        this.datastore = datastore;
    }

    @Override
    public List<HeldPath> heldPaths() {
        return datastore.read(reader -> reader.heldPathsForRetention());
    }

    @Override
    public Set<String> roots(RetentionPolicy policy) {
        return datastore.read(reader -> {
            Set<String> derivations = new HashSet<>(reader.derivationsOfBuildsTagged(RetentionPolicy.KEEP_TAG));
            if (policy.keepEvaluations() > 0) {
                for (String jobset : reader.latestEvaluations().keySet()) {
                    for (StoredEvaluation evaluation : reader.evaluationsOfJobset(jobset, policy.keepEvaluations())) {
                        for (EvaluationBuild build : reader.evaluationBuilds(evaluation.id())) {
                            derivations.add(build.derivationPath());
                        }
                    }
                }
            }
            Set<String> roots = new HashSet<>(reader.outputPathsOf(derivations));
            roots.addAll(reader.pathsNeededByPendingBuilds());
            return roots;
        });
    }

    @Override
    public Set<String> deleteHeldPaths(Collection<String> paths, UnaryOperator<Set<String>> spared) {
        return datastore.write(transaction -> {
            Set<String> spare = spared.apply(transaction.pathsNeededByPendingBuilds());
            List<String> going = new ArrayList<>(paths);
            going.removeAll(spare);
            Set<String> deleted = new HashSet<>(transaction.heldPaths(going));
            transaction.deleteHeldPaths(deleted);
            return deleted;
        });
    }

    @Override
    public Set<String> heldNarHashes(Collection<String> narHashes) {
        return datastore.read(reader -> reader.heldNarHashes(narHashes));
    }

    @Override
    public void recordServed(Map<String, Instant> byHashPart) {
        datastore.writeLater(transaction -> {
            transaction.recordServed(byHashPart);
            return null;
        });
    }

    @Override
    public int deleteEventsBefore(Instant cutoff) {
        return datastore.write(transaction -> transaction.deleteEventsBefore(cutoff));
    }
}
