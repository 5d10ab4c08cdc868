package dev.kiln.desktop.model;

import java.util.List;
import java.util.Map;

/** What an operator says about an agent to create. */
public record NewAgent(String name, String description, List<String> systems, Map<String, String> tags) {

    public NewAgent {
        systems = List.copyOf(systems);
        tags = Map.copyOf(tags);
    }
}
