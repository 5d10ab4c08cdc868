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

    @AttributeDefinition(description = "Keep what the latest this many evaluations of each jobset built; -1 when not "
            + "given", required = false)
    int retention_keep_evaluations() default -1;

    @AttributeDefinition(description = "Keep what was stored within this many days; -1 when not given",
            required = false)
    int retention_keep_days() default -1;

    @AttributeDefinition(description = "Keep the NARs under this many bytes, the least recently served going first; "
            + "-1 when not given", required = false)
    long retention_storage_limit_bytes() default -1;

    @AttributeDefinition(description = "Seconds between two runs of the garbage collector", min = "1",
            required = false)
    long gc_interval_seconds() default 3600;

    @AttributeDefinition(description = "Delete finished builds' logs after this many days; 0 for never", min = "0",
            required = false)
    int logs_keep_days() default 0;

    @AttributeDefinition(description = "Delete events after this many days, once every hook has had them; 0 for never",
            min = "0", required = false)
    int events_keep_days() default 0;
}
