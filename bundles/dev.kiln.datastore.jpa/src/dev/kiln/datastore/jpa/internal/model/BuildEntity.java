package dev.kiln.datastore.jpa.internal.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;

import dev.kiln.api.Build;
import dev.kiln.api.BuildLimits;
import dev.kiln.api.BuildState;
import dev.kiln.api.FailureKind;
import dev.kiln.api.Tag;

@Entity
@Table(name = "build")
public class BuildEntity {

    @Id
    @Column(name = "id")
    String id;

    @Column(name = "seq", nullable = false)
    long sequence;

    @Column(name = "drv_path", nullable = false)
    String derivationPath;

    @Column(name = "system_name", nullable = false)
    String system;

    @Column(name = "priority", nullable = false)
    int priority;

    @Column(name = "state", nullable = false)
    String state;

    @Column(name = "submitted_at", nullable = false)
    long submittedAt;

    @Column(name = "state_changed_at", nullable = false)
    long stateChangedAt;

    @Column(name = "started_at")
    Long startedAt;

    @Column(name = "finished_at")
    Long finishedAt;

    @Column(name = "agent_id")
    String agentId;

    @Column(name = "setup_failures", nullable = false)
    int setupFailures;

    @Column(name = "defer_until")
    Long deferUntil;

    @Column(name = "required_features")
    String requiredFeatures;

    @Column(name = "timeout_seconds")
    Long timeoutSeconds;

    @Column(name = "max_silent_seconds")
    Long maxSilentSeconds;

    @Column(name = "max_log_bytes")
    Long maxLogBytes;

    @Column(name = "max_output_bytes")
    Long maxOutputBytes;

    @Column(name = "failure_kind")
    String failureKind;

    @ElementCollection
    @CollectionTable(name = "build_tag", joinColumns = @JoinColumn(name = "build_id"))
    List<TagRow> tags = new ArrayList<>();

    @ElementCollection
    @CollectionTable(name = "build_required_tag", joinColumns = @JoinColumn(name = "build_id"))
    List<TagRow> requiredTags = new ArrayList<>();

    @ElementCollection
    @CollectionTable(name = "build_output", joinColumns = @JoinColumn(name = "build_id"))
    List<OutputRow> outputs = new ArrayList<>();

    public BuildState state() {
        return BuildState.fromId(state);
    }

    /** Replaces the build's tags; rows of keys kept with the same value stay as they are. */
    public void replaceTags(Set<Tag> newTags) {
        tags.removeIf(row -> !newTags.contains(new Tag(row.key, row.value)));
        Set<Tag> kept = TagRow.tags(tags);
        newTags.stream().filter(tag -> !kept.contains(tag)).sorted()
                .forEach(tag -> tags.add(new TagRow(tag.key(), tag.value())));
    }

    /** Output name to store path, as recorded on success. */
    public Map<String, String> outputPaths() {
        Map<String, String> paths = new TreeMap<>();
        outputs.forEach(row -> paths.put(row.name, row.path));
        return paths;
    }

    public Build toBuild() {
        return new Build(UUID.fromString(id), sequence, derivationPath, system, priority, TagRow.tags(tags),
                TagRow.tags(requiredTags), BuildState.fromId(state), Instant.ofEpochMilli(submittedAt),
                Instant.ofEpochMilli(stateChangedAt), instant(startedAt), instant(finishedAt),
                agentId == null ? null : UUID.fromString(agentId), setupFailures, instant(deferUntil),
                features(requiredFeatures), new BuildLimits(timeoutSeconds, maxSilentSeconds, maxLogBytes,
                        maxOutputBytes), failureKind == null ? null : FailureKind.fromId(failureKind));
    }

    /** Features as stored: space-separated, null or empty for none. */
    public static Set<String> features(String stored) {
        return stored == null || stored.isEmpty() ? Set.of() : Set.of(stored.split(" "));
    }

    public static String features(Set<String> features) {
        return features.isEmpty() ? null : String.join(" ", new TreeSet<>(features));
    }

    static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
