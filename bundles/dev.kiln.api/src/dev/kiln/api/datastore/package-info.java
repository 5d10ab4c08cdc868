/**
 * The coordinator's persistence service: builds, derivations, agents, results and the event outbox, in one
 * transactional store. Internal to the coordinator; front ends use the services of {@code dev.kiln.api}.
 */
@Export
@Version("0.5.0")
package dev.kiln.api.datastore;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
