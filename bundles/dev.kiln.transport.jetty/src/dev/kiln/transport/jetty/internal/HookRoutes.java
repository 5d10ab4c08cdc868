package dev.kiln.transport.jetty.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import dev.kiln.hooks.api.admin.HookAdmin;
import dev.kiln.hooks.api.admin.HookConfiguration;
import dev.kiln.hooks.api.admin.HookDeployment;
import dev.kiln.hooks.api.admin.HookStatus;
import dev.kiln.protocol.HookConfigurationBody;
import dev.kiln.protocol.HookConfigurationInfo;
import dev.kiln.protocol.HookDeploymentInfo;
import dev.kiln.protocol.HookInfo;
import dev.kiln.protocol.HookList;

/**
 * {@code /api/v1/hooks}: list the hooks, install a hook bundle ({@code PUT /api/v1/hooks/NAME.jar} with the jar as
 * body), remove one ({@code DELETE /api/v1/hooks/NAME}), configure one ({@code PUT /api/v1/hooks/NAME/configuration}).
 */
final class HookRoutes {

    private final Extensions extensions;
    private final long maxJarBytes;

    HookRoutes(Extensions extensions, long maxJarBytes) {
        this.extensions = extensions;
        this.maxJarBytes = maxJarBytes;
    }

    void handle(Exchange exchange, String[] parts) throws HttpFailure, IOException {
        HookAdmin hooks = extensions.requireHooks();
        if (parts.length == 1) {
            ClientApi.requireMethod(exchange, "GET", true);
            exchange.json(200, new HookList(
                    hooks.list().stream().map(HookRoutes::info).toList(),
                    hooks.deployments().stream().map(HookRoutes::info).toList()));
            return;
        }
        if (parts.length == 3 && parts[2].equals("configuration")) {
            ClientApi.requireMethod(exchange, "PUT", true);
            HookConfigurationBody body = exchange.readJson(HookConfigurationBody.class, ClientApi.SMALL_BODY_LIMIT);
            HookConfiguration configured = hooks.configure(parts[1],
                    body.properties() == null ? Map.of() : body.properties());
            exchange.json(200, new HookConfigurationInfo(configured.pid(), configured.properties(),
                    info(configured.deployment())));
            return;
        }
        if (parts.length != 2) {
            throw HttpFailure.notFound(exchange.path());
        }
        switch (exchange.method()) {
            case "PUT" -> {
                long length = exchange.contentLength();
                if (length < 0) {
                    throw new HttpFailure(411, "length required", "send the jar with a Content-Length");
                }
                if (length > maxJarBytes) {
                    throw new HttpFailure(413, "body too large", "the limit is " + maxJarBytes + " bytes");
                }
                HookDeployment deployment;
                try (InputStream jar = exchange.body()) {
                    deployment = hooks.install(parts[1], jar);
                }
                exchange.json(deployment.deployed() ? 201 : 422, info(deployment));
            }
            case "DELETE" -> exchange.json(200, info(hooks.remove(parts[1])));
            default -> throw ClientApi.methodNotAllowed(exchange);
        }
    }

    private static HookInfo info(HookStatus hook) {
        return new HookInfo(hook.name(), hook.bundleSymbolicName(), hook.bundleVersion(), hook.events(),
                hook.queueLengths(), hook.failures(), hook.lastFailure(), hook.lastFailureAt());
    }

    private static HookDeploymentInfo info(HookDeployment deployment) {
        return new HookDeploymentInfo(deployment.fileName(), deployment.bundleSymbolicName(),
                deployment.bundleVersion(), deployment.problem(), deployment.at());
    }
}
