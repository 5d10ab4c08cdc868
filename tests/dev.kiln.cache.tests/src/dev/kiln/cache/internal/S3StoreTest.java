package dev.kiln.cache.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.kiln.cache.storage.ObjectStore;
import dev.kiln.testing.S3ProxyServer;

/**
 * The object store contract on S3-compatible storage: a real S3 server (S3Proxy) on loopback, signatures checked,
 * path-style addressing, credentials from the standard system properties.
 */
class S3StoreTest extends ObjectStoreContract {

    private static S3ProxyServer server;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.shared();
        S3ProxyServer.useCredentials();
    }

    @AfterAll
    static void forgetCredentials() {
        S3ProxyServer.forgetCredentials();
    }

    @Override
    ObjectStore newStore(String name) {
        return ConfiguredObjectStore.open(StoreLocation.parse(newLocation(name), state));
    }

    @Override
    String newLocation(String name) {
        String bucket = server.createBucket("kiln-" + name.toLowerCase());
        return "s3://" + bucket + "/cache/objects?endpoint=" + server.endpoint() + "&region=eu-west-1";
    }

    @Test
    void objectsAreKeptUnderThePrefix() throws IOException {
        String location = newLocation("prefixed");
        try (ObjectStore store = ConfiguredObjectStore.open(StoreLocation.parse(location, state))) {
            store.put("nars/x.nar.zst", Files.writeString(work.resolve("x"), "x"));
        }
        String bucket = location.substring("s3://".length(), location.indexOf('/', "s3://".length()));
        Path kept = server.bucketDirectory(bucket);
        try (Stream<Path> files = Files.walk(kept)) {
            assertTrue(files.anyMatch(file -> file.endsWith(Path.of("cache", "objects", "nars", "x.nar.zst"))),
                    "the object is cache/objects/nars/x.nar.zst in the bucket");
        }
    }

    @Test
    void wrongCredentialsStopTheStoreAtStartWithTheReason() {
        System.setProperty("aws.secretAccessKey", "not-the-secret");
        try {
            IOException refused = assertThrows(IOException.class,
                    () -> new ConfiguredObjectStore(TestConfigurations.of(state, newLocation("refused"))));
            assertTrue(refused.getMessage().startsWith("the cache store s3://"), refused.getMessage());
        } finally {
            System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        }
    }

    @Test
    void missingCredentialsAreSaidAtStart() {
        System.clearProperty("aws.accessKeyId");
        try {
            IOException refused = assertThrows(IOException.class,
                    () -> new ConfiguredObjectStore(TestConfigurations.of(state, newLocation("anonymous"))));
            assertTrue(refused.getMessage().contains("no credentials: set AWS_ACCESS_KEY_ID"), refused.getMessage());
        } finally {
            System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        }
    }

    @Test
    void anUnreachableEndpointStopsTheStoreAtStart() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String location = "s3://kiln-nowhere/cache?endpoint=http://127.0.0.1:" + closed;
        IOException refused = assertThrows(IOException.class,
                () -> new ConfiguredObjectStore(TestConfigurations.of(state, location)));
        assertTrue(refused.getMessage().contains("cannot be used"), refused.getMessage());
    }

    @Test
    void aMissingBucketStopsTheStoreAtStart() {
        String location = "s3://kiln-no-such-bucket/cache?endpoint=" + server.endpoint();
        IOException refused = assertThrows(IOException.class,
                () -> new ConfiguredObjectStore(TestConfigurations.of(state, location)));
        assertFalse(refused.getMessage().isBlank());
    }

    /** Retention on the same S3 server. */
    @Nested
    class Retention extends RetentionContract {
        @Override
        ObjectStore newStore(String name) {
            return S3StoreTest.this.newStore(name);
        }
    }
}
