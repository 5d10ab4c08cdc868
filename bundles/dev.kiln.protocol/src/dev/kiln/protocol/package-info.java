/**
 * The records exchanged on Kiln's HTTP APIs and their JSON form ({@link ProtocolJson}), shared by the coordinator
 * and its clients. Field names are the JSON names; lists and maps may arrive as null and are read as empty.
 */
@Export
@Version("0.3.1")
package dev.kiln.protocol;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
