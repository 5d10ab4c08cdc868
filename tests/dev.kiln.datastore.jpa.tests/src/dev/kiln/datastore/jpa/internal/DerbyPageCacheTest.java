package dev.kiln.datastore.jpa.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DerbyPageCacheTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void theCacheTakesAnEighthOfTheHeapInItsLargestPages() {
        // 512 MiB of heap: 64 MiB of cache, 2,048 pages of 32 KiB.
        assertEquals(2_048, DerbyPageCache.pages(512 * MIB));
        assertEquals(8_192, DerbyPageCache.pages(2_048 * MIB));
    }

    @Test
    void aSmallHeapKeepsDerbysDefaultAndALargeOneIsCapped() {
        assertEquals(DerbyPageCache.FEWEST_PAGES, DerbyPageCache.pages(64 * MIB));
        assertEquals(DerbyPageCache.MOST_PAGES, DerbyPageCache.pages(64 * 1024 * MIB));
    }

    @Test
    void theDatabaseBootsWithTheSizeSet() throws Exception {
        DerbyPageCache.install();
        String size = System.getProperty(DerbyPageCache.PROPERTY);
        assertEquals(Integer.toString(DerbyPageCache.pages(Runtime.getRuntime().maxMemory())), size);
    }
}
