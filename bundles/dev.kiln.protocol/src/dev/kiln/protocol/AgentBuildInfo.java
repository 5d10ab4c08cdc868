package dev.kiln.protocol;

/** A build an agent holds, as the agent list shows it: {@code state} is {@code allocated} or {@code started}. */
public record AgentBuildInfo(String id, String state, String derivation, String since) {
}
