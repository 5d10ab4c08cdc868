package dev.kiln.ci;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Jobsets and their evaluations. Thread-safe. Unknown names and ids raise {@link dev.kiln.api.NotFoundException},
 * invalid definitions {@link dev.kiln.api.InvalidRequestException}.
 */
@ProviderType
public interface JobsetService {

    /** Adds a jobset; its monitor starts at once. */
    Jobset add(Jobset jobset);

    /** Replaces a jobset's definition; an evaluation under way finishes with the old one. */
    Jobset update(Jobset jobset);

    /** Removes a jobset; its builds stay. */
    void remove(String name);

    List<Jobset> list();

    Jobset get(String name);

    /**
     * Asks for an evaluation now, even if the channels have not moved. Returns at once; the evaluation runs after
     * the one under way, if any.
     */
    void evaluate(String name);

    /** The jobset's evaluations, newest first. */
    List<Evaluation> evaluations(String name);

    Evaluation evaluation(long id);

    /** What the evaluation's command printed on stdout and stderr. */
    Path evaluationLog(long id);

    EvaluationSummary summary(long id);

    /** Cancels the evaluation's builds that have not finished; returns how many. */
    int cancelPending(long id);
}
