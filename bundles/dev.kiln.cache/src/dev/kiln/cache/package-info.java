/**
 * The coordinator's binary cache and build logs: content-addressed NAR files, signed narinfos, resumable output
 * uploads, and the logs of builds.
 */
@Export
@Version("0.3.0")
package dev.kiln.cache;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
