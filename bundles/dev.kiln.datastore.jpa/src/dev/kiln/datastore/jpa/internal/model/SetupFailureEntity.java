package dev.kiln.datastore.jpa.internal.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;

import dev.kiln.api.SetupFailure;
import dev.kiln.api.SetupFailureKind;

@Entity
@Table(name = "setup_failure")
public class SetupFailureEntity {

    @Id
    @Column(name = "id")
    long id;

    @Column(name = "build_id", nullable = false)
    String buildId;

    @Column(name = "agent_id", nullable = false)
    String agentId;

    @Column(name = "failed_at", nullable = false)
    long failedAt;

    @Column(name = "kind", nullable = false)
    String kind;

    @ElementCollection
    @CollectionTable(name = "setup_failure_missing_input", joinColumns = @JoinColumn(name = "setup_failure_id"))
    @Column(name = "path")
    List<String> missingInputs = new ArrayList<>();

    public static SetupFailureEntity from(long id, SetupFailure failure) {
        SetupFailureEntity entity = new SetupFailureEntity();
        entity.id = id;
        entity.buildId = failure.buildId().toString();
        entity.agentId = failure.agentId().toString();
        entity.failedAt = failure.at().toEpochMilli();
        entity.kind = failure.kind().id();
        entity.missingInputs.addAll(failure.missingInputs().stream().distinct().toList());
        return entity;
    }

    public SetupFailure toSetupFailure() {
        return new SetupFailure(UUID.fromString(buildId), UUID.fromString(agentId), Instant.ofEpochMilli(failedAt),
                SetupFailureKind.fromId(kind), missingInputs.stream().sorted().toList());
    }
}
