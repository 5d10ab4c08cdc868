/**
 * Jobsets: continuous integration that follows git repositories, evaluates them into derivations and submits the
 * builds while the evaluation still runs.
 */
@Export
@Version("0.1.0")
package dev.kiln.ci;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
