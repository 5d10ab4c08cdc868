package dev.kiln.datastore.jpa.internal.model;

import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.Basic;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

@Entity
@Table(name = "derivation")
public class DerivationEntity {

    @Id
    @Column(name = "path")
    String path;

    @Column(name = "system_name", nullable = false)
    String system;

    @Lob
    @Basic
    @Column(name = "aterm", nullable = false)
    String aterm;

    @Column(name = "created_at", nullable = false)
    long createdAt;

    @ElementCollection
    @CollectionTable(name = "derivation_output", joinColumns = @JoinColumn(name = "drv_path"))
    List<OutputRow> outputs = new ArrayList<>();

    @ElementCollection
    @CollectionTable(name = "derivation_input", joinColumns = @JoinColumn(name = "drv_path"))
    List<InputRow> inputs = new ArrayList<>();

    @ElementCollection
    @CollectionTable(name = "derivation_source", joinColumns = @JoinColumn(name = "drv_path"))
    @Column(name = "path")
    List<String> sources = new ArrayList<>();
}
