/**
 * Build executors: what runs a derivation's builder on an agent and checks what it made. Implementations are
 * OSGi services of {@link dev.kiln.execution.BuildExecutor}, told apart by their
 * {@value dev.kiln.execution.BuildExecutor#NAME_PROPERTY} property.
 */
@Export
@Version("0.1.0")
package dev.kiln.execution;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
