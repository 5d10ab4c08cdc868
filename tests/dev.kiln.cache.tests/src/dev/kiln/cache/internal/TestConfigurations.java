package dev.kiln.cache.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

/** The cache's configuration for a state directory, as Configuration Admin would give it. */
final class TestConfigurations {

    private TestConfigurations() {
    }

    static CacheConfiguration of(Path state) {
        return of(state, "");
    }

    /** With the objects in {@code cacheStore}, as {@code --cache-store} names it. */
    static CacheConfiguration of(Path state, String cacheStore) {
        return new CacheConfiguration() {
            @Override
            public String state_dir() {
                return state.toString();
            }

            @Override
            public String store_dir() {
                return "/nix/store";
            }

            @Override
            public String key_name() {
                return "test-1";
            }

            @Override
            public String cache_store() {
                return cacheStore;
            }

            @Override
            public int retention_keep_evaluations() {
                return -1;
            }

            @Override
            public int retention_keep_days() {
                return -1;
            }

            @Override
            public long retention_storage_limit_bytes() {
                return -1;
            }

            @Override
            public long gc_interval_seconds() {
                return 3600;
            }

            @Override
            public int logs_keep_days() {
                return 0;
            }

            @Override
            public int events_keep_days() {
                return 0;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return CacheConfiguration.class;
            }
        };
    }
}
