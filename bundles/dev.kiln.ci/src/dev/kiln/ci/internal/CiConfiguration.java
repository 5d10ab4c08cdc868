package dev.kiln.ci.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Kiln jobsets", description = "Continuous integration: channels, evaluations, monitors.")
@interface CiConfiguration {

    String PID = "dev.kiln.ci";

    @AttributeDefinition(description = "The coordinator's state directory; jobsets live in its ci/ folder")
    String state_dir();

    @AttributeDefinition(description = "How many channels may be fetched at once")
    int max_concurrent_updates() default 2;

    @AttributeDefinition(description = "How many evaluations may run at once")
    int max_concurrent_evaluations() default 1;

    @AttributeDefinition(description = "An evaluation running longer is killed and fails")
    long evaluation_timeout_seconds() default 3600;

    @AttributeDefinition(description = "Files of the secrets forges sign their webhooks with, one secret a line; "
            + "without any, every webhook is refused")
    String[] webhook_secret_files() default {};

    @AttributeDefinition(description = "How long the jobset of a closed pull request is kept, disabled, before it goes")
    long pull_request_retention_seconds() default 86400;
}
