package dev.kiln.desktop.model.views;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.kiln.protocol.BuildInfo;

/**
 * The builds of one coordinator that the session has seen lately, kept current by the event stream. Thread-safe.
 * A listing that started before an event refreshed a build must not put back the older copy: {@link #beginListing()}
 * and {@link #putListed(Collection)} see to it.
 */
public final class BuildStore {

    private final ConcurrentHashMap<UUID, BuildInfo> builds = new ConcurrentHashMap<>();
    private final Set<UUID> refreshedDuringListing = ConcurrentHashMap.newKeySet();

    /** Puts the current copy of a build, as fetched after an event or an action. */
    public void put(BuildInfo build) {
        refreshedDuringListing.add(build.id());
        builds.put(build.id(), build);
    }

    /** Starts a full listing: copies fetched from now on by {@link #put} win over the listing's. */
    public void beginListing() {
        refreshedDuringListing.clear();
    }

    /** Puts the builds of a listing page, except those refreshed since the listing began. */
    public void putListed(Collection<BuildInfo> page) {
        for (BuildInfo build : page) {
            if (!refreshedDuringListing.contains(build.id())) {
                builds.put(build.id(), build);
            }
        }
    }

    /** Forgets the oldest builds (by submission) beyond the newest {@code max}, so that a long session stays small. */
    public void retainNewest(int max) {
        if (builds.size() <= max) {
            return;
        }
        List<BuildInfo> newestFirst = snapshot();
        newestFirst.sort(Comparator.comparing(BuildInfo::createdAt).thenComparing(BuildInfo::id).reversed());
        for (BuildInfo old : newestFirst.subList(Math.min(max, newestFirst.size()), newestFirst.size())) {
            builds.remove(old.id(), old);
        }
    }

    public BuildInfo get(UUID id) {
        return builds.get(id);
    }

    public int size() {
        return builds.size();
    }

    /** A copy of every build, in no particular order. */
    public List<BuildInfo> snapshot() {
        return new ArrayList<>(builds.values());
    }
}
