package dev.kiln.protocol;

import java.util.UUID;

/**
 * A ready build that goes before a waiting one: its effective priority and, in a few words, what puts it first
 * ({@code because}).
 */
public record QueuedAheadInfo(UUID build, String derivation, int effectivePriority, String because) {
}
