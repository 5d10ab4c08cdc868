package dev.kiln.desktop.model.views;

import java.util.List;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.HookInfo;

/** The hooks running in one coordinator, with their queues and failures. Thread-safe. */
public final class HooksModel extends TopicModel implements FarmTopic {

    private final FarmConnection connection;
    private volatile List<HookInfo> hooks = List.of();

    public HooksModel(FarmConnection connection) {
        this.connection = connection;
    }

    public List<HookInfo> hooks() {
        return hooks;
    }

    @Override
    public void reload() throws FarmException {
        hooks = List.copyOf(connection.hooks());
        fire();
    }
}
