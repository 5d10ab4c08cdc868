package dev.kiln.ci.internal;

import dev.kiln.ci.Forge;

/**
 * A commit status to post to a forge: how an evaluation of a jobset, or one of its jobs, stands on the commit it
 * evaluated.
 *
 * @param forge       the forge
 * @param repository  the repository, as the forge names it
 * @param commit      the commit
 * @param context     what the status is about, the same for every evaluation of a jobset (and for a job, of that job):
 *                    a newer status of one context replaces the older on the forge
 * @param state       how it stands
 * @param description a short sentence
 * @param targetUrl   the evaluation's (or the job's build's) page on the coordinator
 * @param evaluation  the evaluation it tells of
 * @param last        whether it belongs to the evaluation's final report: once every status of that report reached the
 *                    forge, the evaluation is recorded as reported
 */
record CommitStatus(Forge forge, String repository, String commit, String context, State state, String description,
        String targetUrl, long evaluation, boolean last) {

    enum State {
        PENDING, SUCCESS, FAILURE
    }

    /** The status it replaces when both wait to be posted. */
    String key() {
        return forge + " " + repository + " " + commit + " " + context;
    }

    /** The last word on the evaluation, in place of this status. */
    CommitStatus finalStatus(State finalState, String finalDescription) {
        return finalStatus(context, finalState, finalDescription, targetUrl);
    }

    /** A part of the evaluation's final report about another context of the same commit, such as one of its jobs. */
    CommitStatus finalStatus(String otherContext, State finalState, String finalDescription, String url) {
        return new CommitStatus(forge, repository, commit, otherContext, finalState, finalDescription, url, evaluation,
                true);
    }
}
