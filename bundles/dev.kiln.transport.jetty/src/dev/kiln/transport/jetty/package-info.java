/**
 * The coordinator's HTTP endpoints: the client API, the agent API and the binary cache.
 */
@Export
@Version("0.1.0")
package dev.kiln.transport.jetty;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
