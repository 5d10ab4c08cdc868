package dev.kiln.protocol;

/** An agent's id and a password, shown once. */
public record AgentPassword(String id, String password) {
}
