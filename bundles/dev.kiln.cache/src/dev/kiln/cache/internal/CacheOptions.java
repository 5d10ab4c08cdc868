package dev.kiln.cache.internal;

import java.nio.file.Path;

import dev.kiln.store.StoreDir;

/** The cache's configuration, parsed once. */
record CacheOptions(Path stateDir, StoreDir storeDir, String keyName, StoreLocation store) {

    static CacheOptions from(CacheConfiguration configuration) {
        String state = configuration.state_dir();
        if (state == null || state.isBlank()) {
            throw new IllegalArgumentException("state.dir is not configured");
        }
        Path stateDir = Path.of(state).toAbsolutePath();
        return new CacheOptions(stateDir, new StoreDir(configuration.store_dir()), configuration.key_name(),
                StoreLocation.parse(configuration.cache_store(), stateDir));
    }
}
