package dev.kiln.ci.internal;

import dev.kiln.ci.Forge;

/**
 * A commit status to post to a forge: how an evaluation of a jobset stands, on the commit it evaluated.
 *
 * @param forge       the forge
 * @param repository  the repository, as the forge names it
 * @param commit      the commit
 * @param context     what the status is about, the same for every evaluation of a jobset: a newer status of one
 *                    context replaces the older on the forge
 * @param state       how it stands
 * @param description a short sentence
 * @param targetUrl   the evaluation's page on the coordinator
 */
record CommitStatus(Forge forge, String repository, String commit, String context, State state, String description,
        String targetUrl) {

    enum State {
        PENDING, SUCCESS, FAILURE
    }

    /** The status it replaces when both wait to be posted. */
    String key() {
        return forge + " " + repository + " " + commit + " " + context;
    }
}
