package dev.kiln.transport.jetty.internal;

import java.util.function.Supplier;

import dev.kiln.cache.CacheRetention;
import dev.kiln.ci.JobsetService;
import dev.kiln.hooks.api.admin.HookAdmin;

/**
 * The services the HTTP server serves when they are there: hooks and jobsets come and go with their bundles, and the
 * rest of the API does not wait for them.
 */
record Extensions(Supplier<HookAdmin> hooks, Supplier<JobsetService> jobsets, Supplier<CacheRetention> retention) {

    HookAdmin requireHooks() throws HttpFailure {
        return require(hooks.get(), "hooks");
    }

    JobsetService requireJobsets() throws HttpFailure {
        return require(jobsets.get(), "jobsets");
    }

    CacheRetention requireRetention() throws HttpFailure {
        CacheRetention running = retention.get();
        if (running == null) {
            throw new HttpFailure(503, "unavailable", "the cache's garbage collector is not running on this coordinator");
        }
        return running;
    }

    private static <S> S require(S service, String what) throws HttpFailure {
        if (service == null) {
            throw new HttpFailure(503, "unavailable", what + " are not running on this coordinator");
        }
        return service;
    }
}
