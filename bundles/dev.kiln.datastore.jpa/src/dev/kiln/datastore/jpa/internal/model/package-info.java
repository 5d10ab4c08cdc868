/**
 * The JPA entities of the datastore, one per table, with the rows of small child tables as element collections.
 * They stay inside the bundle: the datastore maps them to the records of {@code dev.kiln.api} at its boundary.
 * Times are milliseconds since the epoch; identifiers are UUID strings.
 */
package dev.kiln.datastore.jpa.internal.model;
