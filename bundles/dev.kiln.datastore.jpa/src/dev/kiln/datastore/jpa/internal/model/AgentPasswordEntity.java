package dev.kiln.datastore.jpa.internal.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An agent's password, as a self-describing slow salted hash; never the password. */
@Entity
@Table(name = "agent_password")
public class AgentPasswordEntity {

    @Id
    @Column(name = "agent_id")
    String agentId;

    @Column(name = "password_hash", nullable = false)
    String passwordHash;

    @Column(name = "created_at", nullable = false)
    long createdAt;

    public AgentPasswordEntity() {
    }

    public AgentPasswordEntity(String agentId, String passwordHash, long createdAt) {
        this.agentId = agentId;
        this.passwordHash = passwordHash;
        this.createdAt = createdAt;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public void replace(String hash, long at) {
        passwordHash = hash;
        createdAt = at;
    }
}
