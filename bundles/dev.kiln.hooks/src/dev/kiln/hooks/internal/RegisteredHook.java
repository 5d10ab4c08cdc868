package dev.kiln.hooks.internal;

import java.util.Set;

import dev.kiln.api.EventType;
import dev.kiln.hooks.api.Hook;

/**
 * A hook of the whiteboard.
 *
 * @param name               its name
 * @param events             the event types it handles
 * @param hook               the service
 * @param bundleSymbolicName the bundle that registered it
 * @param bundleVersion      that bundle's version
 * @param serviceId          its service id, or a negative number for a built-in hook
 */
record RegisteredHook(String name, Set<EventType> events, Hook hook, String bundleSymbolicName, String bundleVersion,
        long serviceId) {

    RegisteredHook {
        events = Set.copyOf(events);
    }
}
