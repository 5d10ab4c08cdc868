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

import dev.kiln.api.OutputMetadata;
import dev.kiln.api.StoredOutput;

/** A store path the coordinator holds, with its NAR metadata. */
@Entity
@Table(name = "stored_path")
public class StoredPathEntity {

    @Id
    @Column(name = "path")
    String path;

    @Column(name = "hash_part", nullable = false)
    String hashPart;

    @Column(name = "nar_hash", nullable = false)
    String narHash;

    @Column(name = "nar_size", nullable = false)
    long narSize;

    @Column(name = "deriver")
    String deriver;

    @Column(name = "build_id")
    String buildId;

    @Column(name = "stored_at", nullable = false)
    long storedAt;

    @ElementCollection
    @CollectionTable(name = "stored_path_reference", joinColumns = @JoinColumn(name = "path"))
    @Column(name = "reference_path")
    List<String> references = new ArrayList<>();

    /** The 32 characters after the store directory: {@code /nix/store/<hash part>-name}. */
    public static String hashPart(String storePath) {
        String base = storePath.substring(storePath.lastIndexOf('/') + 1);
        return base.length() < 32 ? base : base.substring(0, 32);
    }

    public OutputMetadata toMetadata(String name) {
        return new OutputMetadata(name, path, narHash, narSize, references);
    }

    public StoredOutput toStoredOutput() {
        return new StoredOutput(path, narHash, narSize, references.stream().sorted().toList(), deriver,
                buildId == null ? null : UUID.fromString(buildId), Instant.ofEpochMilli(storedAt));
    }
}
