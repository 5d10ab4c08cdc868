package dev.kiln.coordinator.internal;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import dev.kiln.api.Event;
import dev.kiln.api.EventListener;
import dev.kiln.api.EventService;
import dev.kiln.api.EventSubscription;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.api.datastore.Datastore;

/** The event outbox, read and followed. */
@Component(service = EventService.class, configurationPid = CoordinatorConfiguration.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class EventOutbox implements EventService {

    static final int MAX_LIMIT = 1000;

    private final Datastore datastore;

    @Activate
    public EventOutbox(@Reference(name = "datastore") Datastore datastore) {
        this.datastore = datastore;
    }

    @Override
    public List<Event> after(long afterId, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
        return datastore.read(reader -> reader.eventsAfter(afterId, limit));
    }

    @Override
    public long latestId() {
        return datastore.read(reader -> reader.latestEventId());
    }

    @Override
    public EventSubscription subscribe(EventListener listener) {
        return datastore.subscribe(listener);
    }

    @Override
    public Map<String, Long> cursors(String prefix) {
        return datastore.read(reader -> reader.eventCursors(prefix));
    }

    @Override
    public void saveCursors(Map<String, Long> positions) {
        if (positions.isEmpty()) {
            return;
        }
        datastore.write(tx -> {
            tx.saveEventCursors(positions);
            return null;
        });
    }
}
