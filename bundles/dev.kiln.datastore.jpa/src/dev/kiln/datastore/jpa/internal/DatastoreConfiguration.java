package dev.kiln.datastore.jpa.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Kiln datastore", description = "Where the coordinator keeps its state.")
@interface DatastoreConfiguration {

    String PID = "dev.kiln.datastore";

    @AttributeDefinition(description = "The coordinator's state directory; "
            + "the embedded Derby database is <state.dir>/db")
    String state_dir();

    @AttributeDefinition(description = "JDBC URL of the database (jdbc:derby:... or jdbc:postgresql://...); "
            + "empty for the embedded Derby database in the state directory", required = false)
    String database_url() default "";

    @AttributeDefinition(description = "Database user", required = false)
    String database_user() default "";

    @AttributeDefinition(description = "Database password", type = AttributeType.PASSWORD, required = false)
    String database_password() default "";

    @AttributeDefinition(description = "The most connections held open to the database at once; a request that "
            + "finds them all in use waits for one", required = false)
    int database_max_connections() default DatastoreOptions.DEFAULT_MAX_CONNECTIONS;
}
