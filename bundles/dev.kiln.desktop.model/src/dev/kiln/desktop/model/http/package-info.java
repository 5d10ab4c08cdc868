/**
 * The {@link dev.kiln.desktop.model.FarmConnection} to a real coordinator, over its client API: {@link
 * dev.kiln.client.KilnClient} where it offers the call, plain HTTP for the event stream, derivations and hooks.
 */
@Export
@Version("0.1.0")
package dev.kiln.desktop.model.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
