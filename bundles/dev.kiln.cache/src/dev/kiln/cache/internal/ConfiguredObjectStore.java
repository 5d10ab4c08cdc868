package dev.kiln.cache.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.cache.storage.ObjectStore;
import dev.kiln.cache.storage.ObjectStream;
import dev.kiln.cache.storage.StoredObject;

/**
 * The object store the configuration names ({@code cache.store}): the state directory by default, another directory,
 * or S3-compatible storage. It is checked at activation, so that a store that cannot be reached or written stops the
 * coordinator at start with one line that says why, instead of failing the first upload.
 */
@Component(service = ObjectStore.class, configurationPid = CacheConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class ConfiguredObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredObjectStore.class);

    private final ObjectStore store;

    @Activate
    public ConfiguredObjectStore(CacheConfiguration configuration) throws IOException {
        CacheOptions options = CacheOptions.from(configuration);
        this.store = open(options.store());
        try {
            store.check();
        } catch (IOException | RuntimeException e) {
            store.close();
            // Without its cause: the message is the one line the coordinator stops with.
            throw new IOException("the cache store " + store.location() + " cannot be used: " + e.getMessage());
        }
        LOG.info("Cache objects kept in {}", store.location());
    }

    /** The store at a location. */
    static ObjectStore open(StoreLocation location) {
        return switch (location) {
            case StoreLocation.Directory directory -> new DirectoryStore(directory.root());
            case StoreLocation.S3 s3 -> new S3Store(s3, S3Store.standardCredentials());
        };
    }

    @Override
    public String location() {
        return store.location();
    }

    @Override
    public void check() throws IOException {
        store.check();
    }

    @Override
    public void put(String key, Path file) throws IOException {
        store.put(key, file);
    }

    @Override
    public Optional<ObjectStream> open(String key) throws IOException {
        return store.open(key);
    }

    @Override
    public OptionalLong size(String key) throws IOException {
        return store.size(key);
    }

    @Override
    public boolean delete(String key) throws IOException {
        return store.delete(key);
    }

    @Override
    public void list(String prefix, Consumer<StoredObject> each) throws IOException {
        store.list(prefix, each);
    }

    @Deactivate
    @Override
    public void close() {
        store.close();
    }
}
