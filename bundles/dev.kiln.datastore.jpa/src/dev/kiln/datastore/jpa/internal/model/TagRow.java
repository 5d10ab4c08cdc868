package dev.kiln.datastore.jpa.internal.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import dev.kiln.api.Tag;

/** A {@code key=value} row of a tag table. */
@Embeddable
public class TagRow {

    @Column(name = "tag_key", nullable = false)
    String key;

    @Column(name = "tag_value", nullable = false)
    String value;

    public TagRow() {
    }

    public TagRow(String key, String value) {
        this.key = key;
        this.value = value;
    }

    static List<TagRow> rows(Collection<Tag> tags) {
        return tags.stream().sorted().map(tag -> new TagRow(tag.key(), tag.value()))
                .collect(Collectors.toCollection(ArrayList::new));
    }

    static Set<Tag> tags(Collection<TagRow> rows) {
        return rows.stream().map(row -> new Tag(row.key, row.value)).collect(Collectors.toSet());
    }
}
