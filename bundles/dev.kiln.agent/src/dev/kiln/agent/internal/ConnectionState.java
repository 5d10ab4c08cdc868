package dev.kiln.agent.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.agent.internal.CoordinatorConnection.Refusal;
import dev.kiln.agent.internal.CoordinatorConnection.RejectedException;

/**
 * What the fetch loop knows of its link to the coordinator, to say in one log line each change of it: connected,
 * unreachable, reconnected, refused and why. Used by the fetch loop's thread alone.
 */
final class ConnectionState {

    /** The coordinator refused the agent's first request, and retrying cannot help: the agent exits. */
    static final class RefusedAtStart extends Exception {
        private static final long serialVersionUID = 1L;

        private final int exitCode;

        RefusedAtStart(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        /** {@link #EXIT_REFUSED} or {@link #EXIT_NOT_AN_AGENT_API}. */
        int exitCode() {
            return exitCode;
        }
    }

    /** Exit code: wrong id or password, or a removed agent. */
    static final int EXIT_REFUSED = 3;
    /** Exit code: the address answers, but not as an agent API (the client API's port, for one). */
    static final int EXIT_NOT_AN_AGENT_API = 4;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionState.class);

    private final URI coordinator;
    private boolean connected;
    /** When the coordinator could no longer be reached or refused the agent, {@code 0} while all is well. */
    private long troubleSince;
    /** The last refusal logged, so that a refusal repeated every few seconds is logged once. */
    private Refusal refusal;

    ConnectionState(URI coordinator) {
        this.coordinator = coordinator;
    }

    /** A fetch was answered. */
    void reached() {
        if (!connected) {
            connected = true;
            LOG.info("Connected to the coordinator at {}", coordinator);
        } else if (troubleSince != 0) {
            LOG.info(refusal == null ? "Reconnected to the coordinator at {} after {} s"
                    : "Accepted again by the coordinator at {} after {} s", coordinator,
                    Duration.ofNanos(System.nanoTime() - troubleSince).toSeconds());
        }
        troubleSince = 0;
        refusal = null;
    }

    void unreachable(IOException e, Duration retryIn) {
        trouble();
        refusal = null;
        LOG.warn("Cannot reach the coordinator at {} ({}); retrying in {} ms", coordinator, e.getMessage(),
                retryIn.toMillis());
    }

    /** A fetch was refused: at the start, for a reason retrying cannot mend, the agent gives up. */
    void refused(RejectedException e) throws RefusedAtStart {
        if (!connected && e.refusal() == Refusal.CREDENTIALS) {
            throw new RefusedAtStart("Refused by the coordinator at " + coordinator + ": wrong agent id or password ("
                    + e.getMessage() + "); check --id and --password-file", EXIT_REFUSED);
        }
        if (!connected && e.refusal() == Refusal.NOT_AN_AGENT_API) {
            throw new RefusedAtStart("The coordinator at " + coordinator + " does not answer as an agent API ("
                    + e.getMessage() + "): is it the client API's port? Agents use the coordinator's agent port "
                    + "(--agent-listen, 8745 unless changed)", EXIT_NOT_AN_AGENT_API);
        }
        trouble();
        if (e.refusal() == refusal) {
            return;
        }
        refusal = e.refusal();
        switch (e.refusal()) {
            case CREDENTIALS -> LOG.error("Refused by the coordinator at {}: wrong password, or the agent was removed "
                    + "({}); the password file is read again at each retry", coordinator, e.getMessage());
            case DEACTIVATED -> LOG.warn("Refused by the coordinator at {}: this agent is deactivated; it takes no "
                    + "builds until it is activated again", coordinator);
            default -> LOG.error("Refused by the coordinator at {}: {}", coordinator, e.getMessage());
        }
    }

    private void trouble() {
        if (troubleSince == 0) {
            troubleSince = System.nanoTime();
        }
    }
}
