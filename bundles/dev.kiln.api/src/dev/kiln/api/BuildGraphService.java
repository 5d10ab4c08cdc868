package dev.kiln.api;

import java.util.List;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A build among the builds it depends on and those that depend on it: why it waits, its graph, and the actions on a
 * whole subgraph.
 *
 * <p>Thread-safe. Reads see one snapshot of the datastore; each action is one transaction with its events.
 */
@ProviderType
public interface BuildGraphService {

    /**
     * Why a build has not started; see {@link BuildWaiting}.
     *
     * @throws NotFoundException when there is no such build
     */
    BuildWaiting waiting(UUID buildId);

    /**
     * The build's graph, at most {@code maxNodes} derivations; see {@link BuildGraph}.
     *
     * @throws NotFoundException when there is no such build
     * @throws InvalidRequestException when {@code maxNodes} is below 1
     */
    BuildGraph graph(UUID buildId, int maxNodes);

    /**
     * Cancels a build and every build that is not final and needs its outputs, directly or through others (each a
     * {@code build-canceled} event).
     *
     * @return the builds canceled, the given one first
     * @throws NotFoundException when there is no such build
     * @throws IllegalTransitionException when the build is final
     */
    List<Build> cancelWithDependents(UUID buildId);

    /**
     * Raises to {@code priority} the priority of every pending build of the inputs a build waits for, directly or
     * through others (each a {@code build-priority-changed} event); those already at it or above keep theirs.
     *
     * @return the builds whose priority was raised
     * @throws NotFoundException when there is no such build
     */
    List<Build> raiseInputPriority(UUID buildId, int priority);
}
