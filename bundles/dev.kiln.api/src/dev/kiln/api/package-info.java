/**
 * Kiln's domain: builds, agents, derivations, events and the allocation plan, as immutable records, and the
 * services the coordinator provides to its front ends (the HTTP layer, the CLI, the desktop client).
 *
 * <p>Every service here is thread-safe. Methods that change state run as one database transaction together with
 * the event that records the change. Failures are reported with the subclasses of {@link dev.kiln.api.KilnException}:
 * {@link dev.kiln.api.NotFoundException}, {@link dev.kiln.api.InvalidRequestException},
 * {@link dev.kiln.api.IllegalTransitionException}, {@link dev.kiln.api.ConflictException},
 * {@link dev.kiln.api.NotAllocatedToAgentException}, {@link dev.kiln.api.AgentDeactivatedException} and
 * {@link dev.kiln.api.DatastoreUnavailableException} (try again later).
 *
 * <p>Versioning: hook bundles import this package with the range {@code [0.1,0.2)}, so additions to the services
 * here (which only the coordinator implements) raise the micro version, keeping those bundles resolvable.
 */
@Export
@Version("0.1.6")
package dev.kiln.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
