/**
 * Administration of the hooks of a running coordinator, for the HTTP API and the command line: deploy and remove
 * hook bundles, list the hooks with their queues and failures.
 */
@Export
@Version("0.1.1")
package dev.kiln.hooks.api.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
