package dev.kiln.datastore.jpa.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.kiln.api.Build;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildSort;
import dev.kiln.api.BuildState;
import dev.kiln.api.InvalidRequestException;

/**
 * The JPQL of a build listing: the query's filters, its order and the keyset condition of its cursor. Pages are
 * cut on (sorted field, sequence), so that a page starts right after the previous one even while builds change.
 *
 * <p>A cursor of the default order (submitted, newest first) is the last sequence number, as before sorts
 * existed; any other is {@code sort:a|d:sequence:value}, so that it can be checked against the query's sort.
 */
final class BuildListing {

    private final BuildQuery query;
    private final StringBuilder from = new StringBuilder("FROM BuildEntity b");
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> parameters = new HashMap<>();

    BuildListing(BuildQuery query) {
        this.query = query;
        if (query.tag() != null) {
            from.append(" JOIN b.tags t");
            conditions.add("t.key = :tagKey AND t.value = :tagValue");
            parameters.put("tagKey", query.tag().key());
            parameters.put("tagValue", query.tag().value());
        }
        if (!query.states().isEmpty()) {
            conditions.add("b.state IN :states");
            parameters.put("states", query.states().stream().map(BuildState::id).toList());
        }
        if (query.system() != null) {
            conditions.add("b.system = :system");
            parameters.put("system", query.system());
        }
        if (query.derivationPath() != null) {
            conditions.add("b.derivationPath = :derivation");
            parameters.put("derivation", query.derivationPath());
        }
        if (query.agentId() != null) {
            conditions.add("b.agentId = :agent");
            parameters.put("agent", query.agentId().toString());
        }
    }

    Map<String, Object> parameters() {
        return parameters;
    }

    /** {@code SELECT b.state, COUNT(b)} of the filtered builds, by state. */
    String countsByState() {
        return "SELECT b.state, COUNT(b) " + from + where(conditions) + " GROUP BY b.state";
    }

    /** The builds of one page (and one more, to know whether another page follows), in order. */
    String page() {
        List<String> all = new ArrayList<>(conditions);
        String field = field(query.sort());
        String compare = query.ascending() ? ">" : "<";
        if (query.cursor() != null) {
            Cursor cursor = Cursor.parse(query.cursor(), query.sort(), query.ascending());
            parameters.put("cursorSeq", cursor.sequence());
            if (field == null) {
                all.add("b.sequence " + compare + " :cursorSeq");
            } else {
                parameters.put("cursorValue", cursor.value());
                all.add("(" + field + " " + compare + " :cursorValue OR (" + field + " = :cursorValue AND b.sequence "
                        + compare + " :cursorSeq))");
            }
        }
        String direction = query.ascending() ? " ASC" : " DESC";
        String order = (field == null ? "" : field + direction + ", ") + "b.sequence" + direction;
        return "SELECT b " + from + where(all) + " ORDER BY " + order;
    }

    /** The cursor of the page after one that ends with {@code last}. */
    String cursorAfter(Build last) {
        if (query.sort() == BuildSort.SUBMITTED && !query.ascending()) {
            return Long.toString(last.sequence());
        }
        Object value = switch (query.sort()) {
            case SUBMITTED -> "";
            case PRIORITY -> last.priority();
            case STATE -> last.state().id();
            case SYSTEM -> last.system();
            case DERIVATION -> last.derivationPath();
        };
        return query.sort().id() + ":" + (query.ascending() ? "a" : "d") + ":" + last.sequence() + ":" + value;
    }

    private static String where(List<String> conditions) {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** The entity field sorted on before the sequence, or {@code null} for the submission order alone. */
    private static String field(BuildSort sort) {
        return switch (sort) {
            case SUBMITTED -> null;
            case PRIORITY -> "b.priority";
            case STATE -> "b.state";
            case SYSTEM -> "b.system";
            case DERIVATION -> "b.derivationPath";
        };
    }

    private record Cursor(long sequence, Object value) {

        static Cursor parse(String text, BuildSort sort, boolean ascending) {
            try {
                if (text.indexOf(':') < 0) {
                    if (sort != BuildSort.SUBMITTED || ascending) {
                        throw mismatch(text);
                    }
                    return new Cursor(Long.parseLong(text), null);
                }
                String[] parts = text.split(":", 4);
                if (parts.length != 4 || !parts[0].equals(sort.id()) || !parts[1].equals(ascending ? "a" : "d")) {
                    throw mismatch(text);
                }
                Object value = sort == BuildSort.PRIORITY ? (Object) Integer.parseInt(parts[3]) : parts[3];
                return new Cursor(Long.parseLong(parts[2]), value);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("invalid cursor: " + text);
            }
        }

        private static InvalidRequestException mismatch(String text) {
            return new InvalidRequestException("invalid cursor for this sort and order (a cursor continues the "
                    + "listing it came from): " + text);
        }
    }
}
