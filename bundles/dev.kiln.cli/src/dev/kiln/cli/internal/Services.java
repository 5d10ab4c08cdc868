package dev.kiln.cli.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Waiting for the services that commands use, with a timeout and a message that says what is missing. The services
 * stay usable until {@link #close()}: some (Configuration Admin) are service factories whose object dies when
 * released.
 */
final class Services implements AutoCloseable {

    private static final long POLL_MILLIS = 50;

    private final BundleContext bundles;
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    Services(BundleContext bundles) {
        this.bundles = bundles;
    }

    <S> S await(Class<S> type, Duration timeout) throws InterruptedException {
        ServiceTracker<S, S> tracker = track(type);
        S service = tracker.waitForService(timeout.toMillis());
        if (service == null) {
            throw new CommandFailedException("no " + type.getSimpleName() + " service came up within " + timeout.toSeconds() + " s");
        }
        return service;
    }

    /**
     * Waits for a service that Kiln's components publish once they are up, failing early with the component's own
     * error when one of them could not be activated (a port in use, a database that cannot be opened).
     */
    <S> S awaitComponents(Class<S> type, Duration timeout) throws InterruptedException {
        ServiceComponentRuntime runtime = await(ServiceComponentRuntime.class, Duration.ofSeconds(30));
        ServiceTracker<S, S> tracker = track(type);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            S service = tracker.waitForService(POLL_MILLIS);
            if (service != null) {
                return service;
            }
            Optional<String> failure = failedComponent(runtime);
            if (failure.isPresent()) {
                throw new CommandFailedException(failure.get());
            }
            if (System.nanoTime() > deadline) {
                throw new CommandFailedException("the coordinator did not come up within " + timeout.toSeconds() + " s");
            }
        }
    }

    /**
     * Waits until no component configured by one of these PIDs is active any more, so that a stopped coordinator
     * has closed its ports and its database before the command returns.
     */
    void awaitComponentsStopped(Set<String> pids, Duration timeout) throws InterruptedException {
        ServiceComponentRuntime runtime = await(ServiceComponentRuntime.class, Duration.ofSeconds(30));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (anyActive(runtime, pids)) {
            if (System.nanoTime() > deadline) {
                throw new CommandFailedException("the coordinator's components did not stop within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static boolean anyActive(ServiceComponentRuntime runtime, Set<String> pids) {
        for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs()) {
            boolean configured = Arrays.stream(description.configurationPid).anyMatch(pids::contains);
            if (configured && runtime.getComponentConfigurationDTOs(description).stream()
                    .anyMatch(configuration -> configuration.state == ComponentConfigurationDTO.ACTIVE)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }

    private <S> ServiceTracker<S, S> track(Class<S> type) {
        ServiceTracker<S, S> tracker = new ServiceTracker<>(bundles, type, null);
        tracker.open();
        trackers.add(tracker);
        return tracker;
    }

    /**
     * The first component that failed to start, and why; one whose failure is only that a service it needs went away
     * (because another component failed) is named only when no other failed.
     */
    private static Optional<String> failedComponent(ServiceComponentRuntime runtime) {
        Optional<String> consequence = Optional.empty();
        for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs()) {
            if (!description.name.startsWith("dev.kiln.")) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : runtime.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    String cause = rootCause(configuration.failure);
                    String failed = description.name + " failed to start: " + cause;
                    if (!cause.contains("Unable to get service for reference")) {
                        return Optional.of(failed);
                    }
                    consequence = consequence.or(() -> Optional.of(failed));
                }
            }
        }
        return consequence;
    }

    /** The most specific line of a component's failure, which is a stack trace in text form. */
    private static String rootCause(String failure) {
        if (failure == null) {
            return "no reason given";
        }
        String cause = failure.lines().findFirst().orElse(failure);
        for (String line : failure.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        return cause;
    }
}
