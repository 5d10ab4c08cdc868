package dev.kiln.api;

import java.util.Set;
import java.util.TreeSet;

/**
 * An agent's request for builds, with what it can do now.
 *
 * @param systems           the systems it builds for now; empty for those it was created with
 * @param freeSlots         how many builds it can take now, 0 to 1000
 * @param features          the system features it supports (such as {@code kvm}); a build goes only to an agent
 *                          that has every feature its derivation requires. Opaque names.
 * @param mandatoryFeatures features it takes only builds that require: an agent with {@code big-parallel} mandatory
 *                          builds nothing else. They count as supported too.
 * @param speedFactor       how fast it builds relative to others (1 by default): among several able agents with room,
 *                          the faster goes first
 */
public record FetchRequest(Set<String> systems, int freeSlots, Set<String> features, Set<String> mandatoryFeatures,
        double speedFactor) {

    /** The most free slots an agent may ask for at once. */
    public static final int MAX_FREE_SLOTS = 1000;

    /** The highest speed factor. */
    public static final double MAX_SPEED_FACTOR = 1000;

    /** A request of an agent without features, of speed factor 1. */
    public FetchRequest(Set<String> systems, int freeSlots) {
        this(systems, freeSlots, Set.of(), Set.of(), 1);
    }

    public FetchRequest {
        systems = Set.copyOf(systems == null ? Set.of() : systems);
        if (freeSlots < 0 || freeSlots > MAX_FREE_SLOTS) {
            throw new InvalidRequestException("free slots must be between 0 and " + MAX_FREE_SLOTS + ": "
                    + freeSlots);
        }
        mandatoryFeatures = requireFeatureNames(mandatoryFeatures);
        TreeSet<String> all = new TreeSet<>(requireFeatureNames(features));
        all.addAll(mandatoryFeatures);
        features = Set.copyOf(all);
        if (!(speedFactor > 0) || speedFactor > MAX_SPEED_FACTOR) {
            throw new InvalidRequestException("a speed factor is a number above 0, at most " + MAX_SPEED_FACTOR + ": "
                    + speedFactor);
        }
    }

    private static Set<String> requireFeatureNames(Set<String> features) {
        Set<String> names = Set.copyOf(features == null ? Set.of() : features);
        for (String name : names) {
            if (name.isBlank() || name.length() > 100 || name.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidRequestException("a feature name is 1 to 100 characters without spaces: '" + name
                        + "'");
            }
        }
        return names;
    }
}
