/**
 * Streaming compression of NAR files: zstd, xz, none.
 */
@Export
@Version("1.1.0")
package dev.kiln.store.compression;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
