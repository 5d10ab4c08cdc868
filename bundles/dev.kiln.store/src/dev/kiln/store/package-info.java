/**
 * Nix store basics: store directories and store paths, and how Nix computes
 * them; hashes in every textual form Nix uses (base 16, nix-base32, base 64,
 * SRI); content addresses. Pure Java, byte-exact with Nix, immutable values.
 */
@Export
@Version("1.0.0")
package dev.kiln.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
