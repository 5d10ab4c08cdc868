/**
 * Support shared by Kiln's tests: a throw-away PostgreSQL server, and waiting for OSGi services.
 */
@Export
@Version("0.1.0")
package dev.kiln.testing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
