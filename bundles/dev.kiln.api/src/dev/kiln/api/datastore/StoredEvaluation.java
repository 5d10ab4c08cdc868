package dev.kiln.api.datastore;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One evaluation of a jobset as the datastore keeps it. It is running while {@code finishedAt} is null, failed when
 * it finished with an {@code error}, and succeeded otherwise.
 *
 * @param id               increasing over all jobsets
 * @param jobset           the jobset's name
 * @param commits          the commit evaluated, by channel name
 * @param startedAt        when it started
 * @param finishedAt       when it ended, null while running
 * @param derivationsFound how many derivations the command printed
 * @param buildsSubmitted  how many builds it created
 * @param error            why it failed, or null
 * @param reportedAt       when its final commit status reached the forge (or the forge refused it for good), null
 *                         while it has not: a coordinator that starts follows such evaluations again
 */
public record StoredEvaluation(long id, String jobset, Map<String, String> commits, Instant startedAt,
        Instant finishedAt, int derivationsFound, int buildsSubmitted, String error, Instant reportedAt) {

    public StoredEvaluation {
        Objects.requireNonNull(jobset, "jobset");
        Objects.requireNonNull(startedAt, "startedAt");
        commits = Map.copyOf(commits == null ? Map.of() : commits);
    }

    /** An evaluation whose final status has not been reported. */
    public StoredEvaluation(long id, String jobset, Map<String, String> commits, Instant startedAt,
            Instant finishedAt, int derivationsFound, int buildsSubmitted, String error) {
        this(id, jobset, commits, startedAt, finishedAt, derivationsFound, buildsSubmitted, error, null);
    }

    public StoredEvaluation withReportedAt(Instant reported) {
        return new StoredEvaluation(id, jobset, commits, startedAt, finishedAt, derivationsFound, buildsSubmitted,
                error, reported);
    }
}
