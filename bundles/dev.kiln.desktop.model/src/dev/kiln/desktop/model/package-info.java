/**
 * The connection the desktop client learns about a farm through: {@link dev.kiln.desktop.model.FarmConnection}, which
 * answers with the records of {@code dev.kiln.protocol}, and {@link dev.kiln.desktop.model.ClientConnection}, which
 * asks the coordinator through {@code dev.kiln.client}. No SWT here.
 */
@Export
@Version("0.1.0")
package dev.kiln.desktop.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
