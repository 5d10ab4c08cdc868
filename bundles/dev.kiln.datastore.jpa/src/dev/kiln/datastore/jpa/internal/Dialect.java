package dev.kiln.datastore.jpa.internal;

import java.util.Map;

/** The databases Kiln runs on, with what differs between them in the migration scripts and for EclipseLink. */
enum Dialect {
    DERBY("derby", "org.apache.derby.jdbc.EmbeddedDriver", "Derby",
            Map.of("TEXT", "CLOB", "SET_NOT_NULL", "NOT NULL", "DERBY_ONLY", "")),
    /** {@code ${DERBY_ONLY}} makes a one-line statement a comment, which the migration skips. */
    POSTGRESQL("postgresql", "org.postgresql.Driver", "PostgreSQL",
            Map.of("TEXT", "TEXT", "SET_NOT_NULL", "SET NOT NULL", "DERBY_ONLY", "-- on Derby only: "));

    private final String kind;
    private final String driverClass;
    private final String eclipseLinkPlatform;
    private final Map<String, String> placeholders;

    Dialect(String kind, String driverClass, String eclipseLinkPlatform, Map<String, String> placeholders) {
        this.kind = kind;
        this.driverClass = driverClass;
        this.eclipseLinkPlatform = eclipseLinkPlatform;
        this.placeholders = placeholders;
    }

    static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:derby:")) {
            return DERBY;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database URL (Derby or PostgreSQL): " + jdbcUrl);
    }

    String kind() {
        return kind;
    }

    String driverClass() {
        return driverClass;
    }

    /** The value of EclipseLink's {@code eclipselink.target-database}. */
    String eclipseLinkPlatform() {
        return eclipseLinkPlatform;
    }

    /** Replaces the {@code ${NAME}} placeholders of a migration script with this dialect's SQL. */
    String expand(String sql) {
        String expanded = sql;
        for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
            expanded = expanded.replace("${" + placeholder.getKey() + "}", placeholder.getValue());
        }
        if (expanded.contains("${")) {
            throw new IllegalStateException("unknown placeholder in migration: " + expanded);
        }
        return expanded;
    }
}
