package dev.kiln.datastore.jpa.internal.model;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

import dev.kiln.api.Event;
import dev.kiln.api.EventType;
import dev.kiln.protocol.MalformedJsonException;
import dev.kiln.protocol.ProtocolJson;

/** A row of the event outbox. */
@Entity
@Table(name = "event")
public class EventEntity {

    @Id
    @Column(name = "id")
    long id;

    @Column(name = "event_type", nullable = false)
    String type;

    @Column(name = "event_time", nullable = false)
    long time;

    @Column(name = "build_id")
    String buildId;

    @Column(name = "agent_id")
    String agentId;

    /** The event's data as a JSON object of strings. */
    @Lob
    @Basic
    @Column(name = "payload", nullable = false)
    String payload;

    public static EventEntity from(Event event) {
        EventEntity entity = new EventEntity();
        entity.id = event.id();
        entity.type = event.type().id();
        entity.time = event.time().toEpochMilli();
        entity.buildId = event.buildId() == null ? null : event.buildId().toString();
        entity.agentId = event.agentId() == null ? null : event.agentId().toString();
        entity.payload = ProtocolJson.writeString(event.data());
        return entity;
    }

    public Event toEvent() {
        return new Event(id, EventType.fromId(type), Instant.ofEpochMilli(time),
                buildId == null ? null : UUID.fromString(buildId), agentId == null ? null : UUID.fromString(agentId),
                strings(payload));
    }

    /** A column holding a JSON object of strings, as {@link ProtocolJson#writeString} wrote it: the data of an event. */
    public static Map<String, String> strings(String json) {
        try {
            return ProtocolJson.readStrings(json);
        } catch (MalformedJsonException e) {
            throw new IllegalStateException("a stored JSON object of strings does not parse: " + e.getMessage(), e);
        }
    }
}
