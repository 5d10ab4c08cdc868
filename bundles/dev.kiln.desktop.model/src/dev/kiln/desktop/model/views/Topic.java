package dev.kiln.desktop.model.views;

/** What changed in a session. */
public enum Topic {
    STATUS, BUILDS, AGENTS, PLAN, HOOKS, JOBSETS
}
