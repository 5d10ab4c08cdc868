/**
 * The desktop client's view models and background work: sessions with coordinators and their connection states,
 * the build list (filtering, sorting), the overview, build details and logs, saved connections. Listeners are called
 * on background threads; the SWT layer posts what they say to the display thread.
 */
@Export
@Version("0.1.0")
package dev.kiln.desktop.model.views;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
