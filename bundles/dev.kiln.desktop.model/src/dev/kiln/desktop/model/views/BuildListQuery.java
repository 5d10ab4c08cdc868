package dev.kiln.desktop.model.views;

import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

import dev.kiln.desktop.model.BuildFilter;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;

/**
 * What the build list shows: a filter and an order.
 *
 * @param states  only these states; empty for any
 * @param system  only this system, or empty for any
 * @param tag     only builds with this tag, {@code key=value} or {@code key} for any value, or empty for any
 * @param text    only builds whose derivation path, id or tags contain this text (ignoring case), or empty
 */
public record BuildListQuery(Set<BuildState> states, String system, String tag, String text, BuildColumn sortBy,
        boolean ascending) {

    /** Every build, newest first. */
    public static final BuildListQuery DEFAULT = new BuildListQuery(Set.of(), "", "", "", BuildColumn.CREATED, false);

    public BuildListQuery {
        states = Set.copyOf(states);
        system = system == null ? "" : system.strip();
        tag = tag == null ? "" : tag.strip();
        text = text == null ? "" : text.strip();
    }

    public BuildListQuery withStates(Set<BuildState> newStates) {
        return new BuildListQuery(newStates, system, tag, text, sortBy, ascending);
    }

    public BuildListQuery withSystem(String newSystem) {
        return new BuildListQuery(states, newSystem, tag, text, sortBy, ascending);
    }

    public BuildListQuery withTag(String newTag) {
        return new BuildListQuery(states, system, newTag, text, sortBy, ascending);
    }

    public BuildListQuery withText(String newText) {
        return new BuildListQuery(states, system, tag, newText, sortBy, ascending);
    }

    /** Sorted by {@code column}; asking for the current column again flips the direction. */
    public BuildListQuery sortedBy(BuildColumn column) {
        return new BuildListQuery(states, system, tag, text, column, column == sortBy ? !ascending : true);
    }

    /**
     * Whether the coordinator can list these builds in this order: no text search, a tag given as
     * {@code key=value}, a column it sorts by.
     */
    public boolean servedByCoordinator() {
        return text.isEmpty() && (tag.isEmpty() || tag.indexOf('=') > 0) && sortBy.serverSort() != null;
    }

    /** The filter the coordinator applies. */
    public BuildFilter coordinatorFilter() {
        return new BuildFilter(states, system.isEmpty() ? null : system, tag.isEmpty() ? null : tag);
    }

    Predicate<BuildInfo> filter() {
        String needle = text.toLowerCase(Locale.ROOT);
        int equals = tag.indexOf('=');
        String tagKey = equals < 0 ? tag : tag.substring(0, equals);
        String tagValue = equals < 0 ? null : tag.substring(equals + 1);
        return build -> (states.isEmpty() || states.contains(build.state()))
                && (system.isEmpty() || system.equals(build.system()))
                && (tag.isEmpty() || build.tags().containsKey(tagKey)
                        && (tagValue == null || tagValue.equals(build.tags().get(tagKey))))
                && (needle.isEmpty() || build.derivation().toLowerCase(Locale.ROOT).contains(needle)
                        || build.id().toString().contains(needle)
                        || Builds.tagsText(build).toLowerCase(Locale.ROOT).contains(needle));
    }
}
