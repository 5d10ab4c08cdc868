package dev.kiln.api;

import java.util.List;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What an agent does with builds: fetch them, then report the start and the result or a setup failure. The caller
 * authenticates the agent first ({@link AgentService#authenticate}).
 *
 * <p>Every report is refused with {@link NotAllocatedToAgentException} unless the build is allocated to (or started
 * by) the reporting agent, and with {@link IllegalTransitionException} when its state does not allow the report.
 */
@ProviderType
public interface AgentBuildService {

    /**
     * Gives the agent builds from its plan, best first. Builds already allocated to it and not started come
     * first (the answer to an earlier fetch may have been lost); the total is at most the free slots, and the
     * agent never holds more allocated builds than the configured cap. The allocation is committed before this
     * method returns. Fetching counts as a heartbeat. An inactive agent gets nothing. Each build comes with its
     * effective limits: those it was submitted with, the coordinator's defaults for the others.
     *
     * @throws NotFoundException when there is no such agent
     */
    List<Build> fetch(UUID agentId, FetchRequest request);

    /** The agent started the build: allocated → started, {@code build-started}, and the build's next attempt. */
    Build reportStarted(UUID agentId, UUID buildId);

    /**
     * The build succeeded: started → succeeded, {@code build-success}. The outputs must be exactly the
     * derivation's, with their paths; the coordinator holds them from now on.
     *
     * @throws InvalidRequestException when the outputs do not match the derivation
     */
    Build reportSuccess(UUID agentId, UUID buildId, List<OutputMetadata> outputs);

    /**
     * The build failed: started → failed with this kind, {@code build-failure} (with {@code failure-kind}). Scheduled
     * builds that need its outputs and have no other build of that input to wait for become dependency-failed.
     * The builder's exit status, when the agent knows it, is kept with the build's latest attempt and in the event
     * ({@code exit-status}).
     */
    Build reportFailure(UUID agentId, UUID buildId, FailureKind kind, Integer exitStatus);

    /** {@link #reportFailure(UUID, UUID, FailureKind, Integer)} without an exit status. */
    default Build reportFailure(UUID agentId, UUID buildId, FailureKind kind) {
        return reportFailure(agentId, buildId, kind, null);
    }

    /** {@link #reportFailure(UUID, UUID, FailureKind, Integer)} of a builder that failed. */
    default Build reportFailure(UUID agentId, UUID buildId) {
        return reportFailure(agentId, buildId, FailureKind.FAILED, null);
    }

    /**
     * The agent could not set the build up: allocated or started → scheduled, with the failure recorded and
     * {@code build-missing-inputs} (listing them) or {@code build-setup-failure}. The build is held back for a
     * while that grows with each setup failure.
     */
    Build reportSetupFailure(UUID agentId, UUID buildId, SetupFailureKind kind, List<String> missingInputs);
}
