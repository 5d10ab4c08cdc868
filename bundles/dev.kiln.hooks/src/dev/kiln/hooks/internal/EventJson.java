package dev.kiln.hooks.internal;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.kiln.api.Event;

/** An event as JSON: {@code {"id", "type", "time", "buildId", "agentId", "data": {...}}}. */
final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {
    }

    static byte[] of(Event event) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", event.id());
        json.put("type", event.type().id());
        json.put("time", event.time().toString());
        json.put("buildId", event.buildId() == null ? null : event.buildId().toString());
        json.put("agentId", event.agentId() == null ? null : event.agentId().toString());
        ObjectNode data = json.putObject("data");
        event.data().forEach(data::put);
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
