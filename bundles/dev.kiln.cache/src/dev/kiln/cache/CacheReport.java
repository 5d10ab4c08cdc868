package dev.kiln.cache;

import java.util.List;

/**
 * What {@link BinaryCache#verify()} checked and found.
 *
 * @param paths    how many served paths were checked
 * @param narBytes how many bytes of (compressed) NARs were read
 * @param faults   what is wrong, in the order found; empty when the cache is whole
 */
public record CacheReport(long paths, long narBytes, List<CacheFault> faults) {

    public CacheReport {
        faults = List.copyOf(faults);
    }
}
