/**
 * The allocator and its strategies. The allocator (provided by {@code dev.kiln.allocator}) keeps the plan of
 * every agent up to date from the messages the coordinator sends it after each committed change; strategies are
 * services that decide the priority builds are ordered by.
 */
@Export
@Version("0.4.0")
package dev.kiln.api.allocation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
