package dev.kiln.protocol;

/**
 * Why a ready build goes before another of its system: {@code higher-priority}, {@code fair-share} (same priority,
 * its share group used less of its shares over 24 hours), {@code submitted-earlier} (same priority and share).
 */
public enum AheadReason {
    HIGHER_PRIORITY, FAIR_SHARE, SUBMITTED_EARLIER;

    /** The JSON name, such as {@code fair-share}. */
    @Override
    public String toString() {
        return WireNames.of(this);
    }
}
