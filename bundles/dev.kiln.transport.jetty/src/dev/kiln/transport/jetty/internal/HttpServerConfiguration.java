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
}
