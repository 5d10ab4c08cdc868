package dev.kiln.cache.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Kiln binary cache", description = "Where NARs, logs and the signing key are kept.")
@interface CacheConfiguration {

    String PID = "dev.kiln.cache";

    @AttributeDefinition(description = "The coordinator's state directory")
    String state_dir();

    @AttributeDefinition(description = "The store directory served, such as /nix/store or /gnu/store")
    String store_dir() default "/nix/store";

    @AttributeDefinition(description = "The name of the signing key made at first start")
    String key_name() default "kiln-1";

    @AttributeDefinition(description = "Where NARs and finished builds' logs are kept: empty for the state directory, "
            + "another directory, or s3://BUCKET/PREFIX?endpoint=URL&region=R", required = false)
    String cache_store() default "";
}
