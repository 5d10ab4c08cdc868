package dev.kiln.protocol;

import java.util.UUID;

/** An agent's id and a password, shown once. */
public record AgentPassword(UUID id, String password) {
}
