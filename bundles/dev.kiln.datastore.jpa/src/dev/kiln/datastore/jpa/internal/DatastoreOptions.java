package dev.kiln.datastore.jpa.internal;

import java.nio.file.Path;

/**
 * The datastore's configuration, parsed once.
 *
 * @param jdbcUrl  where the database is
 * @param user     database user, possibly empty
 * @param password database password, possibly empty
 * @param maxConnections the most connections the coordinator holds open to the database at once
 */
public record DatastoreOptions(String jdbcUrl, String user, String password, int maxConnections) {

    /**
     * Enough for the request threads that read at once and the single writer, and well under PostgreSQL's default
     * {@code max_connections} of 100, which other clients of the server share.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 32;

    public DatastoreOptions {
        if (maxConnections < 2) {
            throw new IllegalArgumentException("database.max.connections must be at least 2, not " + maxConnections);
        }
    }

    static DatastoreOptions from(DatastoreConfiguration configuration) {
        String url = configuration.database_url() == null ? "" : configuration.database_url().strip();
        if (url.isEmpty()) {
            String stateDir = configuration.state_dir();
            if (stateDir == null || stateDir.isBlank()) {
                throw new IllegalArgumentException(DatastoreConfiguration.PID
                        + ": state.dir is required when database.url is empty");
            }
            return embeddedDerby(Path.of(stateDir).resolve("db")).withMaxConnections(
                    configuration.database_max_connections());
        }
        return new DatastoreOptions(url, configuration.database_user(), configuration.database_password(),
                configuration.database_max_connections());
    }

    /** An embedded Derby database in {@code directory}, created if missing. */
    public static DatastoreOptions embeddedDerby(Path directory) {
        return new DatastoreOptions("jdbc:derby:" + directory.toAbsolutePath() + ";create=true", "", "",
                DEFAULT_MAX_CONNECTIONS);
    }

    /** A database at {@code url}, for example a PostgreSQL server. */
    public static DatastoreOptions server(String url, String user, String password) {
        return new DatastoreOptions(url, user, password, DEFAULT_MAX_CONNECTIONS);
    }

    public DatastoreOptions withMaxConnections(int most) {
        return new DatastoreOptions(jdbcUrl, user, password, most);
    }

    @Override
    public String toString() {
        return "DatastoreOptions[jdbcUrl=" + jdbcUrl + ", user=" + user + ", maxConnections=" + maxConnections + "]";
    }
}
