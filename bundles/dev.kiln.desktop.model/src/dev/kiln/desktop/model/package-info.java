/**
 * What the desktop client knows about a farm, and the connection it learns it through: {@link
 * dev.kiln.desktop.model.FarmConnection} and the records it answers with. No SWT here.
 */
@Export
@Version("0.1.0")
package dev.kiln.desktop.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
