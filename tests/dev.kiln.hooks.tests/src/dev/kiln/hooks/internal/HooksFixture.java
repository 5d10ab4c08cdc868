package dev.kiln.hooks.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import dev.kiln.api.BuildService;
import dev.kiln.api.DerivationService;
import dev.kiln.api.EventService;
import dev.kiln.hooks.api.Hook;
import dev.kiln.hooks.api.admin.HookAdmin;

/**
 * A running hooks component over a {@link FakeCoordinator}: the coordinator's services registered, the
 * {@code dev.kiln.hooks} configuration created with a state directory. Closing it removes them all, with the
 * bundles deployed from the hooks directory.
 */
final class HooksFixture implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);

    static final BundleContext CONTEXT = FrameworkUtil.getBundle(HooksFixture.class).getBundleContext();
    final BundleContext context = CONTEXT;
    final FakeCoordinator coordinator;
    final Path stateDir;
    final HookService hooks;
    private final List<ServiceRegistration<?>> registrations;
    private final Configuration configuration;
    private final ServiceTracker<HookAdmin, HookAdmin> tracker;

    HooksFixture(FakeCoordinator coordinator, Path stateDir, Map<String, Object> properties) throws Exception {
        this.coordinator = coordinator;
        this.stateDir = stateDir;
        this.registrations = List.of(context.registerService(EventService.class, coordinator, null),
                context.registerService(BuildService.class, coordinator, null),
                context.registerService(DerivationService.class, coordinator, null));
        tracker = new ServiceTracker<>(context, HookAdmin.class, null);
        tracker.open();
        ConfigurationAdmin admin = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        configuration = admin.getConfiguration(HooksConfiguration.PID, "?");
        Dictionary<String, Object> settings = new Hashtable<>(properties);
        settings.put("state.dir", stateDir.toString());
        configuration.update(settings);
        HookAdmin found = tracker.waitForService(WAIT.toMillis());
        if (found == null) {
            fail("the hooks component did not start within " + WAIT);
        }
        hooks = (HookService) found;
    }

    /** The hooks tests registered; the next fixture closed unregisters them. */
    private static final List<ServiceRegistration<Hook>> HOOKS = new CopyOnWriteArrayList<>();

    /** Registers a hook service, named and handling these event types, until the next fixture is closed. */
    static ServiceRegistration<Hook> register(Hook hook, String name, String... events) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Hook.NAME, name);
        properties.put(Hook.EVENTS, events);
        ServiceRegistration<Hook> registration = CONTEXT.registerService(Hook.class, hook, properties);
        HOOKS.add(registration);
        return registration;
    }

    Path hooksDirectory() {
        return stateDir.resolve("hooks");
    }

    @Override
    public void close() throws IOException, BundleException, InterruptedException {
        configuration.delete();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (tracker.getService() != null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        tracker.close();
        registrations.forEach(ServiceRegistration::unregister);
        HOOKS.forEach(ServiceRegistration::unregister);
        HOOKS.clear();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getLocation().startsWith(HookDirectory.LOCATION_PREFIX)) {
                bundle.uninstall();
            }
        }
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@link #WAIT}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + WAIT + " for " + what);
            }
            Thread.sleep(20);
        }
    }
}
