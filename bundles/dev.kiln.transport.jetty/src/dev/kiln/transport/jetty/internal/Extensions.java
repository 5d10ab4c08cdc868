package dev.kiln.transport.jetty.internal;

import java.util.function.Supplier;

import dev.kiln.ci.JobsetService;
import dev.kiln.hooks.api.admin.HookAdmin;

/**
 * The services the HTTP server serves when they are there: hooks and jobsets come and go with their bundles, and the
 * rest of the API does not wait for them.
 */
record Extensions(Supplier<HookAdmin> hooks, Supplier<JobsetService> jobsets) {

    HookAdmin requireHooks() throws HttpFailure {
        return require(hooks.get(), "hooks");
    }

    JobsetService requireJobsets() throws HttpFailure {
        return require(jobsets.get(), "jobsets");
    }

    private static <S> S require(S service, String what) throws HttpFailure {
        if (service == null) {
            throw new HttpFailure(503, "unavailable", what + " are not running on this coordinator");
        }
        return service;
    }
}
