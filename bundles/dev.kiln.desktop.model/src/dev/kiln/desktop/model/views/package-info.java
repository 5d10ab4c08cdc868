/**
 * The desktop client's view models and background work: for each coordinator a {@link
 * dev.kiln.desktop.model.views.FarmSession} of a connection supervisor, a model for each topic (builds, agents and
 * plan, hooks, jobsets) and the commands of each; the build list (filtering, sorting), the overview, build details
 * and logs, evaluations, saved connections. Listeners are called on background threads; the SWT layer posts what they
 * say to the display thread.
 */
@Export
@Version("0.1.0")
package dev.kiln.desktop.model.views;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
