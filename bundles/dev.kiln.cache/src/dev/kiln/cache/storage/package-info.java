/**
 * Where the binary cache keeps its objects (NARs and the logs of finished builds): a small service provider interface
 * with a local directory and S3-compatible object storage behind it.
 */
@Export
@Version("0.1.0")
package dev.kiln.cache.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
