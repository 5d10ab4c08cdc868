/** An in-memory coordinator and a manual clock, for tests of the desktop client. */
@Export
@Version("0.1.0")
package dev.kiln.desktop.model.tests.fake;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
