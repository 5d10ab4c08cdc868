package dev.kiln.desktop.model;

import java.util.UUID;

/** An agent's id and password; the coordinator shows the password once. */
public record AgentCredentials(UUID id, String password) {
}
