package dev.kiln.hooks.api;

import org.osgi.annotation.versioning.ConsumerType;

import dev.kiln.api.Event;

/**
 * Reacts to the coordinator's events. Register it as an OSGi service, for example with
 * {@code @Component(property = {Hook.EVENTS + "=build-success", Hook.NAME + "=my-hook"})}.
 *
 * <p>Service properties:
 * <ul>
 * <li>{@value #EVENTS}: the event type ids the hook handles ({@code build-success}, {@code build-failure}, ... as
 * {@link dev.kiln.api.EventType#id()}); a string or an array of strings. Without it the hook receives every event.
 * <li>{@value #NAME}: the hook's name, unique among the hooks of a coordinator; without it, the symbolic name of the
 * bundle that registered the service.
 * </ul>
 *
 * <p>Threading: each event type has its own queue. {@link #handle} is called on a virtual thread of the
 * coordinator, concurrently for events of different builds (up to the parallelism configured for the event type)
 * and one at a time, in event order, for the events of one build (or one agent), whatever their types: a hook that
 * handles {@code build-started} and {@code build-success} gets a build's start before its success, the later event
 * waiting until the hook is done with the earlier one (or gave up on it after the configured attempts). The thread
 * is interrupted when the call overruns the configured time limit.
 */
@ConsumerType
public interface Hook {

    /** Service property: the event type ids the hook handles. */
    String EVENTS = "kiln.hook.events";

    /** Service property: the hook's name. */
    String NAME = "kiln.hook.name";

    /**
     * Handles one event. Returning normally acknowledges it; throwing (or overrunning the time limit) has it
     * delivered again after a back-off, up to the configured number of attempts. The same event may be delivered
     * again after a restart of the coordinator, so the handling must be idempotent.
     *
     * @param event the event: type, time, the build or agent concerned and details
     * @param farm  what the hook may read and change
     * @throws Exception when the event could not be handled and should be delivered again
     */
    void handle(Event event, Farm farm) throws Exception;
}
