package dev.kiln.datastore.jpa.internal.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;

import dev.kiln.api.Agent;

@Entity
@Table(name = "agent")
public class AgentEntity {

    @Id
    @Column(name = "id")
    String id;

    @Column(name = "name", nullable = false)
    String name;

    @Column(name = "description", nullable = false)
    String description;

    @Column(name = "active", nullable = false)
    boolean active;

    @Column(name = "created_at", nullable = false)
    long createdAt;

    @Column(name = "last_seen")
    Long lastSeen;

    @ElementCollection
    @CollectionTable(name = "agent_system", joinColumns = @JoinColumn(name = "agent_id"))
    @Column(name = "system_name")
    List<String> systems = new ArrayList<>();

    @ElementCollection
    @CollectionTable(name = "agent_tag", joinColumns = @JoinColumn(name = "agent_id"))
    List<TagRow> tags = new ArrayList<>();

    public static AgentEntity from(Agent agent) {
        AgentEntity entity = new AgentEntity();
        entity.id = agent.id().toString();
        entity.createdAt = agent.createdAt().toEpochMilli();
        entity.apply(agent);
        return entity;
    }

    public void apply(Agent agent) {
        name = agent.name();
        description = agent.description();
        active = agent.active();
        lastSeen = BuildEntity.millis(agent.lastSeen());
        if (!new HashSet<>(systems).equals(agent.systems())) {
            systems.clear();
            systems.addAll(agent.systems().stream().sorted().toList());
        }
        if (!TagRow.tags(tags).equals(agent.tags())) {
            tags.clear();
            tags.addAll(TagRow.rows(agent.tags()));
        }
    }

    public Agent toAgent() {
        return new Agent(UUID.fromString(id), name, description, new HashSet<>(systems), TagRow.tags(tags), active,
                Instant.ofEpochMilli(createdAt), BuildEntity.instant(lastSeen));
    }
}
