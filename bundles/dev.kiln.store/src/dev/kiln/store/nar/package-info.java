/**
 * NAR (Nix ARchive): a streaming writer from a file tree, a streaming reader,
 * a safe unpacker, and the hash, size and reference scanning computed while
 * streaming.
 */
@Export
@Version("1.0.0")
package dev.kiln.store.nar;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
