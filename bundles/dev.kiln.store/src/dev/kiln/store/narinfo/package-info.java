/**
 * Binary cache metadata: narinfo files, their fingerprints and ed25519
 * signatures, and keys in Nix's {@code name:base64} format.
 */
@Export
@Version("1.0.0")
package dev.kiln.store.narinfo;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
