package dev.kiln.datastore.jpa.internal.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Where a reader of the outbox stands: the id of the last event it is done with. */
@Entity
@Table(name = "event_cursor")
public class EventCursorEntity {

    @Id
    @Column(name = "reader")
    String reader;

    @Column(name = "event_id", nullable = false)
    long eventId;

    @Column(name = "updated_at", nullable = false)
    long updatedAt;

    public EventCursorEntity() {
    }

    public String reader() {
        return reader;
    }

    public long eventId() {
        return eventId;
    }
}
