package dev.kiln.api;

/**
 * A new agent or a new password, with the password in clear: it is shown this once and only its hash is kept.
 *
 * @param agent    the agent
 * @param password the generated password
 */
public record AgentCredentials(Agent agent, String password) {

    @Override
    public String toString() {
        return "AgentCredentials[agent=" + agent + ", password=(hidden)]";
    }
}
