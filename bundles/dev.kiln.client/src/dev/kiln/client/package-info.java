/**
 * The Java client of a Kiln coordinator's HTTP APIs, used by the agent, the command line and the desktop client.
 */
@Export
@Version("0.3.0")
package dev.kiln.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
