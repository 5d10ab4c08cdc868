package dev.kiln.ci;

import java.time.Instant;
import java.util.Map;

/**
 * One evaluation of a jobset.
 *
 * @param id               increasing over all jobsets
 * @param jobset           the jobset's name
 * @param commits          the commit evaluated, by channel name
 * @param startedAt        when it started
 * @param finishedAt       when it ended, null while running
 * @param status           where it stands
 * @param derivationsFound how many derivations the command printed
 * @param buildsSubmitted  how many of them were submitted (the others had a build already, or were past the limit)
 * @param error            why it failed, or null
 */
public record Evaluation(long id, String jobset, Map<String, String> commits, Instant startedAt, Instant finishedAt,
        EvaluationStatus status, int derivationsFound, int buildsSubmitted, String error) {

    public Evaluation {
        commits = Map.copyOf(commits);
    }
}
