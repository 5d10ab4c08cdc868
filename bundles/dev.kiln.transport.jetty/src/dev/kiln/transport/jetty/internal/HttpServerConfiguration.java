package dev.kiln.transport.jetty.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Kiln HTTP server", description = "Where the client API and the agent API listen.")
@interface HttpServerConfiguration {

    String PID = "dev.kiln.transport.jetty";

    @AttributeDefinition(description = "HOST:PORT of the client API")
    String client_listen() default "127.0.0.1:8746";

    @AttributeDefinition(description = "HOST:PORT of the agent API")
    String agent_listen() default "0.0.0.0:8745";

    @AttributeDefinition(description = "The coordinator's state directory: client tokens are kept there")
    String state_dir();

    @AttributeDefinition(description = "Whether reads of the client API (GET /api/v1/..., /metrics) need a client token"
            + " on loopback too; changes always do, and everything does beyond loopback")
    boolean client_token_for_reads() default false;

    @AttributeDefinition(description = "The largest JSON body accepted, in bytes (a submit carries derivation texts)")
    long max_json_bytes() default 64L * 1024 * 1024;

    @AttributeDefinition(description = "Seconds a connection may stay silent (no byte read nor written) before it is"
            + " closed: a client that stops sending its request or stops reading its answer holds a connection no longer")
    int idle_timeout_seconds() default 30;

    @AttributeDefinition(description = "The most connections each port holds at once; beyond, it accepts no more until"
            + " some close")
    int max_connections() default 4096;

    @AttributeDefinition(description = "A PKCS12 keystore: when set, the client API speaks TLS")
    String client_tls_keystore() default "";

    @AttributeDefinition(description = "A PKCS12 keystore: when set, the agent API speaks TLS")
    String agent_tls_keystore() default "";

    @AttributeDefinition(description = "The password of the keystores", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String tls_keystore_password() default "";
}
