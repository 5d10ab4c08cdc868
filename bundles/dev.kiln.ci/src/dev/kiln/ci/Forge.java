package dev.kiln.ci;

/** The kinds of forge whose webhooks Kiln understands and to which it posts commit statuses. */
public enum Forge {
    /** GitHub and GitHub Enterprise. */
    GITHUB,
    /** Gitea and Forgejo, which share their webhooks and their API. */
    GITEA,
    GITLAB
}
