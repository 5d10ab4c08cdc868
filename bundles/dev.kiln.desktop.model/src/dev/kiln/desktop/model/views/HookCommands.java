package dev.kiln.desktop.model.views;

import java.util.concurrent.CompletableFuture;

import dev.kiln.desktop.model.FarmConnection;

/** Installs and removes hook bundles in the background, then reads the hooks again. Thread-safe. */
public final class HookCommands {

    private final FarmConnection connection;
    private final ConnectionSupervisor supervisor;
    private final HooksModel hooks;

    public HookCommands(FarmConnection connection, ConnectionSupervisor supervisor, HooksModel hooks) {
        this.connection = connection;
        this.supervisor = supervisor;
        this.hooks = hooks;
    }

    /** Installs (or replaces) a hook bundle under the file name {@code fileName}. */
    public CompletableFuture<Void> install(String fileName, byte[] bundle) {
        return supervisor.call(() -> {
            connection.installHook(fileName, bundle);
            hooks.reload();
            return null;
        });
    }

    public CompletableFuture<Void> remove(String fileName) {
        return supervisor.call(() -> {
            connection.removeHook(fileName);
            hooks.reload();
            return null;
        });
    }
}
