/**
 * The hook SPI: what a hook bundle implements ({@link dev.kiln.hooks.api.Hook}) and what it may do to the farm
 * ({@link dev.kiln.hooks.api.Farm}).
 *
 * <p>A hook is an OSGi service of type {@link dev.kiln.hooks.api.Hook}. The coordinator gives it the events of the
 * types it declares, at least once each, in order for any one build, on a thread of its own: a hook may block, up
 * to the configured time limit. A hook that throws or overruns is called again with the same event after a
 * back-off, so hooks must be idempotent.
 */
@Export
@Version("0.1.0")
package dev.kiln.hooks.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
