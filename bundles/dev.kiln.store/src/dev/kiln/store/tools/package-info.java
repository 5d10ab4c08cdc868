/**
 * The logic of the {@code kiln store} commands, for a command line to call.
 */
@Export
@Version("1.1.0")
package dev.kiln.store.tools;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
