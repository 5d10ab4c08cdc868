package dev.kiln.cache.internal;

import java.nio.file.Path;

import dev.kiln.store.StoreDir;

/** The cache's configuration, parsed once. */
record CacheOptions(Path stateDir, StoreDir storeDir, String keyName) {

    static CacheOptions from(CacheConfiguration configuration) {
        String state = configuration.state_dir();
        if (state == null || state.isBlank()) {
            throw new IllegalArgumentException("state.dir is not configured");
        }
        return new CacheOptions(Path.of(state).toAbsolutePath(), new StoreDir(configuration.store_dir()),
                configuration.key_name());
    }
}
