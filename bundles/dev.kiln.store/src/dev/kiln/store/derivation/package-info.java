/**
 * Derivations ({@code .drv} files, in ATerm): reading and writing them
 * byte-identical to Nix, their hash modulo fixed outputs, their output paths,
 * and the checks that refuse a malformed or tampered derivation.
 */
@Export
@Version("1.1.0")
package dev.kiln.store.derivation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
