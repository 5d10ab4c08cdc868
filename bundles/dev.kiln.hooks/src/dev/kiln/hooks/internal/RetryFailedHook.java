package dev.kiln.hooks.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.Build;
import dev.kiln.api.BuildState;
import dev.kiln.api.Event;
import dev.kiln.api.Tag;
import dev.kiln.hooks.api.Farm;
import dev.kiln.hooks.api.Hook;

/**
 * On {@code build-failure}: retries the build, up to a number of times counted in its tag {@value #RETRIED}. A build
 * that is no longer failed (retried already) is left alone, so handling an event twice retries once.
 */
final class RetryFailedHook implements Hook {

    static final String NAME = "retry-failed";
    static final String RETRIED = "retried";
    private static final Logger LOG = LoggerFactory.getLogger(RetryFailedHook.class);

    private final int count;

    RetryFailedHook(int count) {
        this.count = count;
    }

    @Override
    public void handle(Event event, Farm farm) {
        if (event.buildId() == null) {
            return;
        }
        Build build = farm.build(event.buildId());
        if (build.state() != BuildState.FAILED) {
            return;
        }
        int retried = build.tags().stream().filter(tag -> tag.key().equals(RETRIED)).findFirst()
                .map(tag -> Integer.parseInt(tag.value())).orElse(0);
        if (retried >= count) {
            return;
        }
        farm.tag(build.id(), new Tag(RETRIED, Integer.toString(retried + 1)));
        farm.retry(build.id());
        LOG.info("Retried failed build {} ({} of {})", build.id(), retried + 1, count);
    }
}
