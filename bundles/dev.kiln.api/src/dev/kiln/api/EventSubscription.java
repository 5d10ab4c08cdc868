package dev.kiln.api;

import org.osgi.annotation.versioning.ProviderType;

/** A registration of an {@link EventListener}; closing it stops the notifications. */
@ProviderType
public interface EventSubscription extends AutoCloseable {

    @Override
    void close();
}
