/**
 * Retrying what failed without spinning and without flooding the log: {@link Backoff} says how long to wait before
 * the next try, {@link RetriedFault} keeps the tries of one loop apart and says a fault once. Used by every retry loop
 * of the coordinator, the agent and the clients.
 */
@Export
@Version("0.1.0")
package dev.kiln.retry;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
