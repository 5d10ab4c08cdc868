package dev.kiln.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/** Waiting for OSGi services, and configuring components through Configuration Admin, in tests. */
public final class Services {

    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Services() {
    }

    /** The bundle context of the bundle holding {@code type}. */
    public static BundleContext context(Class<?> type) {
        return FrameworkUtil.getBundle(type).getBundleContext();
    }

    /** Waits for a service, failing with a message that names it when it does not come in time. */
    public static <T> T await(BundleContext context, Class<T> type) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(TIMEOUT.toMillis());
            if (service == null) {
                throw new AssertionError("the service " + type.getName() + " did not appear within "
                        + TIMEOUT.toSeconds() + " s: is its component configured and satisfied?");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + type.getName(), e);
        }
    }

    /** Waits until no service of {@code type} is registered. */
    public static void awaitGone(BundleContext context, Class<?> type) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (context.getServiceReference(type) != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the service " + type.getName() + " is still registered after "
                        + TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + type.getName() + " to go", e);
            }
        }
    }

    /** Creates or replaces the configuration of {@code pid}. */
    public static Configuration configure(BundleContext context, String pid, Map<String, ?> properties)
            throws IOException {
        ConfigurationAdmin admin = await(context, ConfigurationAdmin.class);
        Configuration configuration = admin.getConfiguration(pid, "?");
        Dictionary<String, Object> dictionary = new Hashtable<>(properties);
        configuration.update(dictionary);
        return configuration;
    }
}
