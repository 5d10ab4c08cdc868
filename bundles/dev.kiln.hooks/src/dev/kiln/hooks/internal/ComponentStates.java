package dev.kiln.hooks.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/** What the component runtime says of a hook bundle's components: why one of them does not run, if one does not. */
final class ComponentStates {

    private ComponentStates() {
    }

    /** Why a component of the bundle is not active, in words for its operator; {@code null} when none is held back. */
    static String problem(BundleContext context, Bundle bundle) {
        ServiceReference<ServiceComponentRuntime> reference = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime runtime = reference == null ? null : context.getService(reference);
        if (runtime == null) {
            return null;
        }
        try {
            List<String> problems = new ArrayList<>();
            for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs(bundle)) {
                if (!runtime.isComponentEnabled(description)) {
                    continue;
                }
                var configurations = runtime.getComponentConfigurationDTOs(description);
                if (configurations.isEmpty() && "require".equals(description.configurationPolicy)) {
                    problems.add(waitingForConfiguration(description));
                }
                for (ComponentConfigurationDTO configuration : configurations) {
                    switch (configuration.state) {
                        case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION ->
                            problems.add(waitingForConfiguration(description));
                        case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> problems.add(description.name
                                + " waits for the services " + String.join(", ", references(configuration)));
                        case ComponentConfigurationDTO.FAILED_ACTIVATION -> problems.add(description.name
                                + " failed to start: " + firstLine(configuration.failure));
                        default -> {
                            // Active or satisfied: it runs, or will when asked for.
                        }
                    }
                }
            }
            return problems.isEmpty() ? null : String.join("; ", problems);
        } finally {
            context.ungetService(reference);
        }
    }

    /** The configuration PIDs the bundle's components read, sorted; none when no component takes configuration. */
    static List<String> configurationPids(BundleContext context, Bundle bundle) {
        ServiceReference<ServiceComponentRuntime> reference = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime runtime = reference == null ? null : context.getService(reference);
        if (runtime == null) {
            return List.of();
        }
        try {
            return runtime.getComponentDescriptionDTOs(bundle).stream()
                    .filter(description -> !"ignore".equals(description.configurationPolicy))
                    .flatMap(description -> java.util.Arrays.stream(description.configurationPid))
                    .distinct().sorted().toList();
        } finally {
            context.ungetService(reference);
        }
    }

    private static String waitingForConfiguration(ComponentDescriptionDTO description) {
        return description.name + " waits for its configuration (PID " + String.join(", ", description.configurationPid)
                + ")";
    }

    private static List<String> references(ComponentConfigurationDTO configuration) {
        List<String> names = new ArrayList<>();
        for (UnsatisfiedReferenceDTO reference : configuration.unsatisfiedReferences) {
            names.add(reference.name);
        }
        return names;
    }

    /**
     * The exception and message a failure's stack trace ends in: its deepest cause, as the runtime wraps what the
     * component's constructor threw.
     */
    private static String firstLine(String failure) {
        if (failure == null || failure.isBlank()) {
            return "no reason given";
        }
        String line = failure.lines().findFirst().orElse("").strip();
        for (String next : failure.lines().toList()) {
            if (next.startsWith("Caused by: ")) {
                line = next.substring("Caused by: ".length()).strip();
            }
        }
        return line;
    }
}
