package dev.kiln.hooks.internal;

import static dev.kiln.hooks.internal.HooksFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import com.sun.net.httpserver.HttpServer;

import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.EventType;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.Tag;
import dev.kiln.hooks.api.admin.HookConfiguration;
import dev.kiln.hooks.api.admin.HookDeployment;
import dev.kiln.hooks.api.admin.HookStatus;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.testing.ExampleHooks;

/** Drops the example hook bundles, as the reactor built them, into the hooks directory of a running component. */
class HookDirectoryTest {

    private static final Tag CHECKED = new Tag("checked-by", "tagger");
    private static final String WEBHOOK_PID = "dev.kiln.hooks.example.webhook";

    @TempDir
    Path stateDir;

    private HttpServer receiver;
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private Configuration webhookConfiguration;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/events", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                posted.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        ConfigurationAdmin admin = HooksFixture.CONTEXT
                .getService(HooksFixture.CONTEXT.getServiceReference(ConfigurationAdmin.class));
        webhookConfiguration = admin.getConfiguration(WEBHOOK_PID, "?");
        webhookConfiguration.update(new Hashtable<>(Map.of("url",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events")));
    }

    @AfterEach
    void stopReceiver() throws IOException {
        webhookConfiguration.delete();
        receiver.stop(0);
    }

    @Test
    void deploysReplacesAndRemovesTheExampleHooks() throws Exception {
        FakeCoordinator coordinator = new FakeCoordinator();
        try (HooksFixture fixture = new HooksFixture(coordinator, stateDir, Map.of("deploy.interval.ms", 200L))) {
            Path tagger = fixture.hooksDirectory().resolve("tagger.jar");
            Files.copy(ExampleHooks.jar("tagger"), tagger);
            Files.copy(ExampleHooks.jar("webhook"), fixture.hooksDirectory().resolve("webhook.jar"));
            await("both hooks registered", () -> hook(fixture, "tagger").isPresent()
                    && hook(fixture, "webhook").isPresent());
            assertEquals(List.of("build-success"), hook(fixture, "tagger").orElseThrow().events());
            assertEquals("dev.kiln.hooks.example.webhook", hook(fixture, "webhook").orElseThrow()
                    .bundleSymbolicName());

            Build first = coordinator.addBuild("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a.drv",
                    BuildState.SUCCEEDED);
            coordinator.append(EventType.BUILD_SUCCESS, first.id(), Map.of("state", "succeeded"));
            await("the first build tagged", () -> fixture.hooks.farm().build(first.id()).tags().contains(CHECKED));
            await("the event posted", () -> posted.stream().anyMatch(json -> json.contains(first.id().toString())));
            EventInfo event = ProtocolJson.read(posted.get(0).getBytes(StandardCharsets.UTF_8), EventInfo.class);
            assertEquals(dev.kiln.protocol.EventType.BUILD_SUCCESS, event.type(), posted.get(0));
            assertEquals(first.id(), event.build(), posted.get(0));

            Path changed = stateDir.resolve("tagger-changed.jar");
            ExampleHooks.withVersion(ExampleHooks.jar("tagger"), changed, "0.1.1.changed");
            Files.move(changed, tagger, StandardCopyOption.REPLACE_EXISTING);
            await("the tagger updated", () -> hook(fixture, "tagger")
                    .map(hook -> hook.bundleVersion().equals("0.1.1.changed")).orElse(false));
            Build second = coordinator.addBuild("/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b.drv",
                    BuildState.SUCCEEDED);
            coordinator.append(EventType.BUILD_SUCCESS, second.id(), Map.of());
            await("the second build tagged by the new tagger",
                    () -> fixture.hooks.farm().build(second.id()).tags().contains(CHECKED));

            Files.delete(tagger);
            Files.delete(fixture.hooksDirectory().resolve("webhook.jar"));
            await("both hooks gone", () -> hook(fixture, "tagger").isEmpty() && hook(fixture, "webhook").isEmpty());
            await("the bundles uninstalled", () -> installed("dev.kiln.hooks.example.tagger").isEmpty()
                    && installed("dev.kiln.hooks.example.webhook").isEmpty());
            await("no deployment left", () -> fixture.hooks.deployments().isEmpty());
        }
    }

    @Test
    void anInstalledHookThatCannotStartSaysWhyAndRunsOnceConfigured() throws Exception {
        webhookConfiguration.delete();
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, Map.of())) {
            HookDeployment installed;
            try (InputStream jar = Files.newInputStream(ExampleHooks.jar("webhook"))) {
                installed = fixture.hooks.install("webhook.jar", jar);
            }
            assertTrue(installed.problem() != null && installed.problem().contains("no webhook URL"),
                    String.valueOf(installed.problem()));
            assertTrue(hook(fixture, "webhook").isEmpty());

            ConfigurationAdmin admin = HooksFixture.CONTEXT
                    .getService(HooksFixture.CONTEXT.getServiceReference(ConfigurationAdmin.class));
            webhookConfiguration = admin.getConfiguration(WEBHOOK_PID, "?");
            webhookConfiguration.update(new Hashtable<>(Map.of("url",
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events")));

            await("the webhook registered once configured", () -> hook(fixture, "webhook").isPresent());
            assertNull(fixture.hooks.deployments().get(0).problem());
        }
    }

    @Test
    void aHookConfiguredThroughTheAdministrationServiceRunsAtOnceAndAfterARestart() throws Exception {
        webhookConfiguration.delete();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events";
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, Map.of())) {
            try (InputStream jar = Files.newInputStream(ExampleHooks.jar("webhook"))) {
                assertTrue(fixture.hooks.install("webhook.jar", jar).problem().contains("no webhook URL"));
            }
            HookConfiguration unchanged = fixture.hooks.configure("webhook", Map.of());
            assertEquals(WEBHOOK_PID, unchanged.pid());
            assertEquals(Map.of(), unchanged.properties());

            HookConfiguration configured = fixture.hooks.configure("webhook",
                    Map.of("url", url, "timeout_ms", "5000"));
            assertEquals(Map.of("url", url, "timeout_ms", "5000"), configured.properties());
            assertNull(configured.deployment().problem(), "it runs once configured");
            assertTrue(hook(fixture, "webhook").isPresent());
            Build build = fixture.coordinator.addBuild("/nix/store/cccccccccccccccccccccccccccccccc-c.drv",
                    BuildState.SUCCEEDED);
            fixture.coordinator.append(EventType.BUILD_SUCCESS, build.id(), Map.of());
            await("the event posted", () -> posted.stream().anyMatch(json -> json.contains(build.id().toString())));

            assertThrows(NotFoundException.class, () -> fixture.hooks.configure("no-such-hook", Map.of("a", "b")));
            assertThrows(dev.kiln.api.InvalidRequestException.class,
                    () -> fixture.hooks.configure("webhook", Map.of("service.pid", "other")));
            assertEquals(Map.of("url", url), fixture.hooks.configure("webhook", Map.of("timeout_ms", "")).properties(),
                    "an empty value removes the property");
        }
        // A new framework keeps no configuration; the coordinator's state directory does.
        ConfigurationAdmin admin = HooksFixture.CONTEXT
                .getService(HooksFixture.CONTEXT.getServiceReference(ConfigurationAdmin.class));
        admin.getConfiguration(WEBHOOK_PID, "?").delete();
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, Map.of())) {
            await("the webhook runs again, configured", () -> hook(fixture, "webhook").isPresent());
        } finally {
            webhookConfiguration = admin.getConfiguration(WEBHOOK_PID, "?");
        }
    }

    @Test
    void reportsABrokenJarAndDeploysTheOthers() throws Exception {
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, Map.of())) {
            Files.writeString(fixture.hooksDirectory().resolve("broken.jar"), "not a jar");
            Files.copy(ExampleHooks.jar("tagger"), fixture.hooksDirectory().resolve("tagger.jar"));
            await("the tagger registered", () -> hook(fixture, "tagger").isPresent());
            await("the broken jar reported", () -> fixture.hooks.deployments().size() == 2);
            HookDeployment broken = fixture.hooks.deployments().get(0);
            assertEquals("broken.jar", broken.fileName());
            assertFalse(broken.deployed());
            assertTrue(broken.problem().startsWith("cannot be installed"), broken.problem());
            assertTrue(fixture.hooks.deployments().get(1).deployed());
        }
    }

    @Test
    void installsAndRemovesThroughTheAdministrationService() throws Exception {
        try (HooksFixture fixture = new HooksFixture(new FakeCoordinator(), stateDir, Map.of())) {
            HookDeployment deployed;
            try (InputStream jar = Files.newInputStream(ExampleHooks.jar("tagger"))) {
                deployed = fixture.hooks.install("tagger.jar", jar);
            }
            assertTrue(deployed.deployed(), String.valueOf(deployed.problem()));
            assertEquals("dev.kiln.hooks.example.tagger", deployed.bundleSymbolicName());
            assertTrue(Files.exists(fixture.hooksDirectory().resolve("tagger.jar")));
            await("the tagger registered", () -> hook(fixture, "tagger").isPresent());

            assertThrows(NotFoundException.class, () -> fixture.hooks.remove("no-such-hook"));
            assertThrows(dev.kiln.api.InvalidRequestException.class,
                    () -> fixture.hooks.install("../escape.jar", InputStream.nullInputStream()));

            assertEquals("tagger.jar", fixture.hooks.remove("tagger").fileName());
            assertFalse(Files.exists(fixture.hooksDirectory().resolve("tagger.jar")));
            assertTrue(installed("dev.kiln.hooks.example.tagger").isEmpty());
            await("the tagger unregistered", () -> hook(fixture, "tagger").isEmpty());
            assertNull(fixture.hooks.deployments().stream().filter(d -> d.fileName().equals("tagger.jar"))
                    .findFirst().orElse(null));
        }
    }

    private static Optional<HookStatus> hook(HooksFixture fixture, String name) {
        return fixture.hooks.list().stream().filter(hook -> hook.name().equals(name)).findFirst();
    }

    private static Optional<Bundle> installed(String symbolicName) {
        return Arrays.stream(HooksFixture.CONTEXT.getBundles())
                .filter(bundle -> symbolicName.equals(bundle.getSymbolicName())).findFirst();
    }
}
