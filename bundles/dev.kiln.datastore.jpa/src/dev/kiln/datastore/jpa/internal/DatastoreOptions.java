package dev.kiln.datastore.jpa.internal;

import java.nio.file.Path;

/**
 * The datastore's configuration, parsed once.
 *
 * @param jdbcUrl  where the database is
 * @param user     database user, possibly empty
 * @param password database password, possibly empty
 */
public record DatastoreOptions(String jdbcUrl, String user, String password) {

    static DatastoreOptions from(DatastoreConfiguration configuration) {
        String url = configuration.database_url() == null ? "" : configuration.database_url().strip();
        if (url.isEmpty()) {
            String stateDir = configuration.state_dir();
            if (stateDir == null || stateDir.isBlank()) {
                throw new IllegalArgumentException(DatastoreConfiguration.PID
                        + ": state.dir is required when database.url is empty");
            }
            return embeddedDerby(Path.of(stateDir).resolve("db"));
        }
        return new DatastoreOptions(url, configuration.database_user(), configuration.database_password());
    }

    /** An embedded Derby database in {@code directory}, created if missing. */
    public static DatastoreOptions embeddedDerby(Path directory) {
        return new DatastoreOptions("jdbc:derby:" + directory.toAbsolutePath() + ";create=true", "", "");
    }

    /** A database at {@code url}, for example a PostgreSQL server. */
    public static DatastoreOptions server(String url, String user, String password) {
        return new DatastoreOptions(url, user, password);
    }

    @Override
    public String toString() {
        return "DatastoreOptions[jdbcUrl=" + jdbcUrl + ", user=" + user + "]";
    }
}
