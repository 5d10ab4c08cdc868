package dev.kiln.hooks.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.EventType;

/**
 * The hooks that are registered now, by name, and those unregistered a moment ago: a hook whose bundle is being
 * updated or refreshed is away briefly, and the events read meanwhile are queued for it. Written by the
 * whiteboard's bind methods and the hooks directory, read by the queues.
 */
final class HookRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(HookRegistry.class);
    /** How long the events of an unregistered hook are still queued for it. */
    static final Duration AWAY_GRACE = Duration.ofSeconds(30);

    private record Away(RegisteredHook hook, Instant since) {
    }

    private final ConcurrentMap<String, RegisteredHook> byName = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Away> away = new ConcurrentHashMap<>();
    private final Runnable onChange;

    /** @param onChange run after every change, on the thread that made it */
    HookRegistry(Runnable onChange) {
        this.onChange = onChange;
    }

    void add(RegisteredHook hook) {
        away.remove(hook.name());
        RegisteredHook replaced = byName.put(hook.name(), hook);
        if (replaced != null && replaced.serviceId() != hook.serviceId()) {
            LOG.warn("Hook {} of {} {} replaces the hook of the same name of {} {}", hook.name(),
                    hook.bundleSymbolicName(), hook.bundleVersion(), replaced.bundleSymbolicName(),
                    replaced.bundleVersion());
        }
        onChange.run();
    }

    void remove(String name, long serviceId) {
        RegisteredHook removed = byName.get(name);
        if (removed != null && removed.serviceId() == serviceId && byName.remove(name, removed)) {
            away.put(name, new Away(removed, Instant.now()));
            onChange.run();
        }
    }

    /** Forgets at once the unregistered hooks of a bundle that was uninstalled: they are not coming back. */
    void forgetBundle(String symbolicName) {
        away.values().removeIf(entry -> entry.hook().bundleSymbolicName().equals(symbolicName));
    }

    /** Whether the hook of this name was unregistered less than the grace ago and may come back. */
    boolean isAway(String name) {
        Away entry = away.get(name);
        return entry != null && entry.since().isAfter(Instant.now().minus(AWAY_GRACE));
    }

    Optional<RegisteredHook> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The hooks that handle events of this type, by name, including those away for less than the grace. */
    List<RegisteredHook> handling(EventType type) {
        Instant cutoff = Instant.now().minus(AWAY_GRACE);
        away.values().removeIf(entry -> entry.since().isBefore(cutoff));
        return Stream.concat(byName.values().stream(), away.values().stream().map(Away::hook))
                .filter(hook -> hook.events().contains(type)).sorted(Comparator.comparing(RegisteredHook::name))
                .toList();
    }

    Collection<RegisteredHook> all() {
        return byName.values().stream().sorted(Comparator.comparing(RegisteredHook::name)).toList();
    }
}
