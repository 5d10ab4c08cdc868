package dev.kiln.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** {@code --cache-store} as operators write it, and what is refused with a reason. */
class StoreLocationTest {

    private static final Path STATE = Path.of("/var/lib/kiln");

    @Test
    void nothingIsTheStateDirectory() {
        assertEquals(new StoreLocation.Directory(STATE), StoreLocation.parse("", STATE));
        assertEquals(new StoreLocation.Directory(Path.of("/srv/cache")), StoreLocation.parse("/srv/cache", STATE));
        assertEquals(new StoreLocation.Directory(Path.of("/srv/cache")),
                StoreLocation.parse("file:///srv/cache", STATE));
    }

    @Test
    void anS3UrlNamesBucketPrefixEndpointAndRegion() {
        assertEquals(new StoreLocation.S3("farm-cache", "kiln/", Optional.of(URI.create("http://127.0.0.1:9000")),
                "eu-central-1"),
                StoreLocation.parse("s3://farm-cache/kiln?endpoint=http://127.0.0.1:9000&region=eu-central-1", STATE));
        assertEquals(new StoreLocation.S3("farm-cache", "", Optional.empty(), "us-east-1"),
                StoreLocation.parse("s3://farm-cache", STATE));
    }

    @Test
    void badLocationsAreRefusedWithTheReason() {
        for (String bad : new String[] {"ftp://host/x", "s3://UPPER/x", "s3://bucket/x?endpoint=nowhere",
                "s3://key:secret@bucket/x", "s3://bucket/x?secret=y", "relative/dir"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> StoreLocation.parse(bad, STATE), bad);
            assertTrue(refused.getMessage().startsWith("the cache store "), refused.getMessage());
        }
    }
}
