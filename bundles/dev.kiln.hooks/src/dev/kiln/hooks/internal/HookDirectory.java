package dev.kiln.hooks.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.hooks.api.admin.HookDeployment;

/**
 * The actor that keeps the bundles installed from the hooks directory in step with its jars: a new jar is installed
 * and started, a changed one (size, time or SHA-256) updated, a removed one uninstalled, and packages refreshed
 * after. A jar that cannot be installed or started is reported and left alone until it changes. Jars still being
 * written (modified less than a second ago) wait for the next scan; hidden files are ignored.
 */
final class HookDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(HookDirectory.class);
    /** Locations of the bundles installed from the directory: this prefix and the file name. */
    static final String LOCATION_PREFIX = "kiln-hooks:";
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Duration REFRESH_WAIT = Duration.ofSeconds(60);

    /** A jar as last seen, and what became of it. */
    private record Seen(long size, FileTime modified, String sha256, HookDeployment deployment) {
    }

    private record Scan(String trustedFile, CompletableFuture<Void> done) {
    }

    private final BundleContext context;
    private final Consumer<String> uninstalled;
    private final Path directory;
    private final Duration interval;
    private final BlockingQueue<Scan> mailbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Owned by the actor's thread; published as {@link #deployments}. */
    private final Map<String, Seen> seen = new TreeMap<>();
    private volatile List<HookDeployment> deployments = List.of();
    private volatile Runnable afterFirstScan = () -> { };

    /** @param uninstalled told the symbolic name of each bundle uninstalled, on the watcher's thread */
    HookDirectory(BundleContext context, Path directory, Duration interval, Consumer<String> uninstalled) {
        this.context = context;
        this.uninstalled = uninstalled;
        this.directory = directory;
        this.interval = interval;
        this.thread = Thread.ofVirtual().name("kiln-hooks-directory").unstarted(this::run);
    }

    /** Starts watching; {@code afterFirstScan} runs on the watcher's thread once the jars present are deployed. */
    void start(Runnable afterFirstScan) throws IOException {
        Files.createDirectories(directory);
        this.afterFirstScan = afterFirstScan;
        thread.start();
    }

    void stop(Duration wait) throws InterruptedException {
        thread.interrupt();
        if (!thread.join(wait)) {
            LOG.warn("The hooks directory watcher did not stop within {}", wait);
        }
    }

    Path directory() {
        return directory;
    }

    List<HookDeployment> deployments() {
        return deployments;
    }

    /**
     * Scans at once and waits for it. {@code trustedFile} is a jar known to be complete, deployed even if it was
     * modified just now; {@code null} for none.
     */
    void scanNow(String trustedFile, Duration wait) {
        Scan scan = new Scan(trustedFile, new CompletableFuture<>());
        mailbox.add(scan);
        try {
            scan.done().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deploying hooks", e);
        } catch (Exception e) {
            throw new IllegalStateException("the hooks directory scan did not finish: " + e.getMessage(), e);
        }
    }

    private void run() {
        removeBundlesWithoutJar();
        scanReportingFailure(null);
        afterFirstScan.run();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Scan request = mailbox.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
                scanReportingFailure(request == null ? null : request.trustedFile());
                if (request != null) {
                    request.done().complete(null);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mailbox.forEach(scan -> scan.done().cancel(false));
    }

    private void scanReportingFailure(String trustedFile) {
        try {
            scan(trustedFile);
        } catch (RuntimeException e) {
            LOG.error("Scanning the hooks directory {} failed", directory, e);
        }
    }

    /** Uninstalls bundles installed from jars that were removed while the coordinator was down. */
    private void removeBundlesWithoutJar() {
        List<Bundle> removed = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String location = bundle.getLocation();
            if (location.startsWith(LOCATION_PREFIX)
                    && !Files.exists(directory.resolve(location.substring(LOCATION_PREFIX.length())))) {
                uninstall(bundle, removed);
            }
        }
        refresh(removed);
    }

    private void scan(String trustedFile) {
        Map<String, Path> jars = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.jar")) {
            for (Path jar : entries) {
                String name = jar.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(jar)) {
                    jars.put(name, jar);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the hooks directory {}", directory, e);
            return;
        }
        List<Bundle> changed = new ArrayList<>();
        for (String name : List.copyOf(seen.keySet())) {
            if (!jars.containsKey(name)) {
                Bundle bundle = context.getBundle(LOCATION_PREFIX + name);
                if (bundle != null) {
                    LOG.info("Hook jar {} was removed: uninstalling {}", name, bundle.getSymbolicName());
                    uninstall(bundle, changed);
                }
                seen.remove(name);
            }
        }
        List<Bundle> toStart = new ArrayList<>();
        jars.forEach((name, jar) -> deployIfChanged(name, jar, name.equals(trustedFile), changed, toStart));
        refresh(changed);
        for (Bundle bundle : toStart) {
            start(bundle);
        }
        deployments = seen.values().stream().map(Seen::deployment).toList();
    }

    private void deployIfChanged(String name, Path jar, boolean trusted, List<Bundle> changed, List<Bundle> toStart) {
        try {
            long size = Files.size(jar);
            FileTime modified = Files.getLastModifiedTime(jar);
            Seen previous = seen.get(name);
            if (previous != null && previous.size() == size && previous.modified().equals(modified)) {
                return;
            }
            if (!trusted && modified.toInstant().isAfter(Instant.now().minus(SETTLE))) {
                return;
            }
            String sha256 = sha256(jar);
            if (previous != null && previous.sha256().equals(sha256)) {
                seen.put(name, new Seen(size, modified, sha256, previous.deployment()));
                return;
            }
            seen.put(name, new Seen(size, modified, sha256, install(name, jar, changed, toStart)));
        } catch (IOException e) {
            LOG.warn("Cannot read hook jar {}", jar, e);
        }
    }

    /** Installs or updates the bundle of a jar; it is started after the refresh. */
    private HookDeployment install(String name, Path jar, List<Bundle> changed, List<Bundle> toStart)
            throws IOException {
        String location = LOCATION_PREFIX + name;
        Bundle existing = context.getBundle(location);
        try (InputStream content = Files.newInputStream(jar)) {
            Bundle bundle;
            if (existing == null) {
                bundle = context.installBundle(location, content);
                LOG.info("Installed hook bundle {} {} from {}", bundle.getSymbolicName(), bundle.getVersion(), name);
            } else {
                existing.update(content);
                bundle = existing;
                changed.add(bundle);
                LOG.info("Updated hook bundle {} to {} from {}", bundle.getSymbolicName(), bundle.getVersion(), name);
            }
            toStart.add(bundle);
            return deployment(name, bundle, null);
        } catch (BundleException | RuntimeException e) {
            LOG.warn("Hook jar {} cannot be installed: {}", name, e.getMessage());
            return new HookDeployment(name, null, null, "cannot be installed: " + e.getMessage(), Instant.now());
        }
    }

    private void start(Bundle bundle) {
        String name = bundle.getLocation().substring(LOCATION_PREFIX.length());
        try {
            bundle.start();
        } catch (BundleException | RuntimeException e) {
            LOG.warn("Hook bundle {} from {} cannot be started: {}", bundle.getSymbolicName(), name, e.getMessage());
            Seen entry = seen.get(name);
            if (entry != null) {
                seen.put(name, new Seen(entry.size(), entry.modified(), entry.sha256(),
                        deployment(name, bundle, "cannot be started: " + e.getMessage())));
            }
        }
    }

    private static HookDeployment deployment(String name, Bundle bundle, String problem) {
        return new HookDeployment(name, bundle.getSymbolicName(), bundle.getVersion().toString(), problem,
                Instant.now());
    }

    private void uninstall(Bundle bundle, List<Bundle> changed) {
        try {
            bundle.uninstall();
            changed.add(bundle);
            uninstalled.accept(bundle.getSymbolicName());
        } catch (BundleException | RuntimeException e) {
            LOG.warn("Hook bundle {} cannot be uninstalled", bundle.getSymbolicName(), e);
        }
    }

    /** Refreshes the packages of updated and uninstalled bundles, and waits for it. */
    private void refresh(List<Bundle> bundles) {
        if (bundles.isEmpty()) {
            return;
        }
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                refreshed.countDown();
            }
        });
        try {
            if (!refreshed.await(REFRESH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Refreshing packages after a hook change took longer than {}", REFRESH_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String sha256(Path jar) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(jar), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
