package dev.kiln.hooks.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.EventType;

/** The hooks that are registered now, by name. Written by the whiteboard's bind methods, read by the queues. */
final class HookRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(HookRegistry.class);

    private final ConcurrentMap<String, RegisteredHook> byName = new ConcurrentHashMap<>();
    private final Runnable onChange;

    /** @param onChange run after every change, on the thread that made it */
    HookRegistry(Runnable onChange) {
        this.onChange = onChange;
    }

    void add(RegisteredHook hook) {
        RegisteredHook replaced = byName.put(hook.name(), hook);
        if (replaced != null && replaced.serviceId() != hook.serviceId()) {
            LOG.warn("Hook {} of {} {} replaces the hook of the same name of {} {}", hook.name(),
                    hook.bundleSymbolicName(), hook.bundleVersion(), replaced.bundleSymbolicName(),
                    replaced.bundleVersion());
        }
        onChange.run();
    }

    void remove(String name, long serviceId) {
        if (byName.computeIfPresent(name, (key, hook) -> hook.serviceId() == serviceId ? null : hook) == null) {
            onChange.run();
        }
    }

    Optional<RegisteredHook> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The hooks that handle events of this type, by name. */
    List<RegisteredHook> handling(EventType type) {
        return byName.values().stream().filter(hook -> hook.events().contains(type))
                .sorted(Comparator.comparing(RegisteredHook::name)).toList();
    }

    Collection<RegisteredHook> all() {
        return byName.values().stream().sorted(Comparator.comparing(RegisteredHook::name)).toList();
    }
}
