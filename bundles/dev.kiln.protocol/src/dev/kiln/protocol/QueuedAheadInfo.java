package dev.kiln.protocol;

import java.util.UUID;

/**
 * A ready build that goes before a waiting one: its effective priority, its share group ({@code jobset=<name>},
 * {@code share=<value>}, or null) and why it goes first.
 */
public record QueuedAheadInfo(UUID build, String derivation, int effectivePriority, String shareGroup,
        AheadReason reason) {
}
