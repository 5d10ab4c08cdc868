package dev.kiln.hooks.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.BuildService;
import dev.kiln.api.DerivationService;
import dev.kiln.api.Event;
import dev.kiln.api.EventService;
import dev.kiln.api.EventSubscription;
import dev.kiln.api.EventType;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.NotFoundException;
import dev.kiln.hooks.api.Farm;
import dev.kiln.hooks.api.Hook;
import dev.kiln.hooks.api.admin.HookAdmin;
import dev.kiln.hooks.api.admin.HookConfiguration;
import dev.kiln.hooks.api.admin.HookDeployment;
import dev.kiln.hooks.api.admin.HookStatus;

/**
 * The hook whiteboard and its event queues (one actor per event type), the hooks directory and the default hooks.
 */
@Component(service = HookAdmin.class, immediate = true, configurationPid = HooksConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HooksConfiguration.class)
public final class HookService implements HookAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(HookService.class);
    private static final Pattern JAR_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,200}\\.jar");
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final Duration DEPLOY_WAIT = Duration.ofSeconds(120);
    /** How long a configuration change waits for the hook's components to take it up. */
    private static final Duration CONFIGURE_WAIT = Duration.ofSeconds(5);
    private static final AtomicLong BUILT_IN_IDS = new AtomicLong();

    private final BundleContext context;
    private final HookOptions options;
    private final Farm farm;
    private final Map<EventType, EventQueue> queues = new HashMap<>();
    private final HookRegistry registry = new HookRegistry(this::wakeAll);
    private final HookDirectory directory;
    private final HookConfigurations configurations;
    private final EventSubscription subscription;

    @Activate
    public HookService(HooksConfiguration configuration, BundleContext context,
            @Reference(name = "events") EventService events, @Reference(name = "builds") BuildService builds,
            @Reference(name = "derivations") DerivationService derivations,
            @Reference(name = "configurations") ConfigurationAdmin configurationAdmin) throws IOException {
        this.context = context;
        this.options = HookOptions.from(configuration);
        Files.createDirectories(options.hooksStateDirectory());
        this.farm = new CoordinatorFarm(builds, derivations);
        DeliveryOrder order = new DeliveryOrder(type -> queues.get(type).wake());
        for (EventType type : EventType.values()) {
            queues.put(type, new EventQueue(type, events, registry, farm, options, order));
        }
        addBuiltInHooks(context);
        this.configurations = new HookConfigurations(options.hooksStateDirectory().resolve("configurations"),
                configurationAdmin);
        // Before the deployed bundles start, so that their components find the configuration they were given.
        configurations.applyAll();
        this.directory = new HookDirectory(context, options.hooksDirectory(), options.deployInterval(),
                registry::forgetBundle);
        this.subscription = events.subscribe(this::committed);
    }

    /**
     * Starts delivering, once the hooks registered before this component bound to it: called after the constructor
     * and the binding of the hook services there are, so that no queue reads an event before all of them listen.
     */
    @Activate
    void start() throws IOException {
        // Deliver only once the first scan started the deployed bundles, whose hooks must not miss events. The
        // scan runs on the directory's thread: hook services registered during it bind to this component, which
        // must not be waiting in its activation then.
        directory.start(() -> queues.values().forEach(EventQueue::start));
    }

    @Deactivate
    void deactivate() throws InterruptedException, IOException {
        subscription.close();
        directory.stop(STOP_WAIT);
        for (EventQueue queue : queues.values()) {
            queue.stop(STOP_WAIT);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHook(ServiceReference<Hook> reference, Hook hook) {
        Object name = reference.getProperty(Hook.NAME);
        String hookName = name == null ? reference.getBundle().getSymbolicName() : name.toString();
        Set<EventType> events;
        try {
            events = eventsOf(reference.getProperty(Hook.EVENTS));
        } catch (InvalidRequestException e) {
            LOG.warn("Hook {} of {} is ignored: {}", hookName, reference.getBundle().getSymbolicName(),
                    e.getMessage());
            return;
        }
        registry.add(new RegisteredHook(hookName, events, hook, reference.getBundle().getSymbolicName(),
                reference.getBundle().getVersion().toString(), (Long) reference.getProperty(Constants.SERVICE_ID)));
    }

    void removeHook(ServiceReference<Hook> reference) {
        Object name = reference.getProperty(Hook.NAME);
        registry.remove(name == null ? reference.getBundle().getSymbolicName() : name.toString(),
                (Long) reference.getProperty(Constants.SERVICE_ID));
    }

    @Override
    public HookDeployment install(String fileName, InputStream jar) {
        if (fileName == null || !JAR_NAME.matcher(fileName).matches()) {
            throw new InvalidRequestException("a hook jar's file name is letters, digits, '.', '_' and '-', "
                    + "ending in .jar: " + fileName);
        }
        try {
            AtomicFiles.write(directory.directory().resolve(fileName), jar);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write hook jar " + fileName, e);
        }
        directory.scanNow(fileName, DEPLOY_WAIT);
        return deployment(fileName).orElseThrow(() -> new IllegalStateException(fileName + " was not scanned"));
    }

    @Override
    public HookDeployment remove(String name) {
        HookDeployment found = find(name);
        try {
            Files.deleteIfExists(directory.directory().resolve(found.fileName()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete hook jar " + found.fileName(), e);
        }
        directory.scanNow(null, DEPLOY_WAIT);
        return found;
    }

    @Override
    public HookConfiguration configure(String name, Map<String, String> changes) {
        HookDeployment found = find(name);
        Bundle bundle = context.getBundle(HookDirectory.LOCATION_PREFIX + found.fileName());
        if (bundle == null) {
            throw new InvalidRequestException(found.fileName() + " is not installed: " + found.problem());
        }
        List<String> pids = ComponentStates.configurationPids(context, bundle);
        if (pids.size() != 1) {
            throw new InvalidRequestException(pids.isEmpty() ? found.fileName() + " takes no configuration"
                    : found.fileName() + " has components configured by several PIDs, " + String.join(", ", pids)
                            + ": Kiln configures one");
        }
        Map<String, String> properties;
        try {
            properties = configurations.change(pids.get(0), changes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the configuration of " + found.fileName(), e);
        }
        HookDeployment after = deployment(found.fileName()).orElse(found);
        if (!changes.isEmpty()) {
            // The component runtime takes a configuration up on its own thread, then its hook binds here.
            long deadline = System.nanoTime() + CONFIGURE_WAIT.toNanos();
            while (!runs(after) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                after = deployment(found.fileName()).orElse(found);
            }
        }
        return new HookConfiguration(pids.get(0), properties, after);
    }

    /** Whether the deployment's components run and a hook of its bundle is registered. */
    private boolean runs(HookDeployment deployment) {
        return deployment.problem() == null && registry.all().stream()
                .anyMatch(hook -> hook.bundleSymbolicName().equals(deployment.bundleSymbolicName()));
    }

    private HookDeployment find(String name) {
        return directory.deployments().stream().filter(deployment -> matches(deployment, name)).findFirst()
                .orElseThrow(() -> new NotFoundException("hook", name));
    }

    @Override
    public List<HookStatus> list() {
        List<HookStatus> statuses = new ArrayList<>();
        for (RegisteredHook hook : registry.all()) {
            Map<String, Integer> queueLengths = new HashMap<>();
            long failures = 0;
            String lastFailure = null;
            Instant lastFailureAt = null;
            for (EventType type : hook.events()) {
                HookQueueStats stats = queues.get(type).stats().getOrDefault(hook.name(), HookQueueStats.NONE);
                queueLengths.put(type.id(), stats.queued());
                failures += stats.failures();
                if (stats.lastFailureAt() != null
                        && (lastFailureAt == null || stats.lastFailureAt().isAfter(lastFailureAt))) {
                    lastFailure = stats.lastFailure();
                    lastFailureAt = stats.lastFailureAt();
                }
            }
            statuses.add(new HookStatus(hook.name(), hook.bundleSymbolicName(), hook.bundleVersion(),
                    hook.events().stream().sorted().map(EventType::id).toList(), queueLengths, failures,
                    lastFailure, lastFailureAt));
        }
        return statuses;
    }

    @Override
    public List<HookDeployment> deployments() {
        return directory.deployments().stream().map(this::withComponentState).toList();
    }

    /** A deployment whose bundle started, but one of whose components does not run, says why. */
    private HookDeployment withComponentState(HookDeployment deployment) {
        if (deployment.problem() != null) {
            return deployment;
        }
        Bundle bundle = context.getBundle(HookDirectory.LOCATION_PREFIX + deployment.fileName());
        String problem = bundle == null ? null : ComponentStates.problem(context, bundle);
        return problem == null ? deployment : new HookDeployment(deployment.fileName(),
                deployment.bundleSymbolicName(), deployment.bundleVersion(), "installed, but " + problem,
                deployment.at());
    }

    /** The farm given to hooks. */
    Farm farm() {
        return farm;
    }

    private boolean matches(HookDeployment deployment, String name) {
        if (deployment.fileName().equals(name) || deployment.fileName().equals(name + ".jar")
                || name.equals(deployment.bundleSymbolicName())) {
            return true;
        }
        return registry.named(name).map(hook -> hook.bundleSymbolicName().equals(deployment.bundleSymbolicName()))
                .orElse(false);
    }

    private Optional<HookDeployment> deployment(String fileName) {
        return deployments().stream().filter(deployment -> deployment.fileName().equals(fileName)).findFirst();
    }

    private void addBuiltInHooks(BundleContext context) {
        String bundleName = context.getBundle().getSymbolicName();
        String version = context.getBundle().getVersion().toString();
        if (options.missingInputs()) {
            registry.add(new RegisteredHook(MissingInputsHook.NAME, Set.of(EventType.BUILD_MISSING_INPUTS),
                    new MissingInputsHook(), bundleName, version, -BUILT_IN_IDS.incrementAndGet()));
        }
        if (options.retryFailedCount() > 0) {
            registry.add(new RegisteredHook(RetryFailedHook.NAME, Set.of(EventType.BUILD_FAILURE),
                    new RetryFailedHook(options.retryFailedCount()), bundleName, version,
                    -BUILT_IN_IDS.incrementAndGet()));
        }
        if (options.command() != null) {
            registry.add(new RegisteredHook(CommandHook.NAME, options.commandEvents(),
                    new CommandHook(options.command()), bundleName, version, -BUILT_IN_IDS.incrementAndGet()));
        }
    }

    private void committed(List<Event> events) {
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        events.forEach(event -> types.add(event.type()));
        types.forEach(type -> queues.get(type).wake());
    }

    private void wakeAll() {
        queues.values().forEach(EventQueue::wake);
    }

    private static Set<EventType> eventsOf(Object property) {
        Collection<?> ids = property == null ? List.of()
                : property instanceof String[] array ? Arrays.asList(array)
                : property instanceof Collection<?> collection ? collection
                : List.of(property);
        if (ids.isEmpty()) {
            return EnumSet.allOf(EventType.class);
        }
        Set<EventType> events = EnumSet.noneOf(EventType.class);
        ids.forEach(id -> events.add(EventType.fromId(id.toString().trim())));
        return events;
    }
}
