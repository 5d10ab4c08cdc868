package dev.kiln.datastore.jpa.internal;

/**
 * How many pages embedded Derby keeps in memory. Derby's own default, 1,000 pages, is a few megabytes: a farm's
 * indexes are keyed by store paths and build ids, spread at random, so once they outgrow it nearly every write reads
 * a page back from the file and first evicts another, the eviction scanning the cache under a lock each time. Kiln
 * sizes the cache from the heap instead: an eighth of the most the heap may grow to, counted in the largest pages
 * Derby uses (32 KiB, for tables with text columns; most pages are 4 KiB), between Derby's default and
 * {@value #MOST_PAGES} pages. Derby reads the system property {@value #PROPERTY} when it boots a database; one set by
 * the operator is kept.
 */
final class DerbyPageCache {

    static final String PROPERTY = "derby.storage.pageCacheSize";
    static final int FEWEST_PAGES = 1_000;
    static final int MOST_PAGES = 32_768;
    private static final long LARGEST_PAGE = 32 * 1024;

    private DerbyPageCache() {
    }

    /** Sets the page cache's size for the databases Derby boots from now on, unless it is set. */
    static void install() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, Integer.toString(pages(Runtime.getRuntime().maxMemory())));
        }
    }

    /** The pages to keep with a heap that may grow to {@code maxHeapBytes}. */
    static int pages(long maxHeapBytes) {
        long pages = maxHeapBytes / 8 / LARGEST_PAGE;
        return (int) Math.max(FEWEST_PAGES, Math.min(MOST_PAGES, pages));
    }
}
