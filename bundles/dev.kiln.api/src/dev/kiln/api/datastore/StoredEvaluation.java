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
 */
public record StoredEvaluation(long id, String jobset, Map<String, String> commits, Instant startedAt,
        Instant finishedAt, int derivationsFound, int buildsSubmitted, String error) {

    public StoredEvaluation {
        Objects.requireNonNull(jobset, "jobset");
        Objects.requireNonNull(startedAt, "startedAt");
        commits = Map.copyOf(commits == null ? Map.of() : commits);
    }
}
