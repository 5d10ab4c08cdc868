package dev.kiln.hooks.example.webhook;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Where the webhook posts. Without a configuration, the system property or environment variable tells. */
@ObjectClassDefinition(name = "Kiln example webhook")
public @interface WebhookConfiguration {

    String PID = "dev.kiln.hooks.example.webhook";
    String URL_PROPERTY = "kiln.hooks.webhook.url";
    String URL_ENVIRONMENT = "KILN_HOOKS_WEBHOOK_URL";

    @AttributeDefinition(description = "The URL each event is posted to, as JSON")
    String url() default "";

    @AttributeDefinition(description = "How long one post may take, in milliseconds")
    long timeout_ms() default 10_000;
}
