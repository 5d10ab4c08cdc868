package dev.kiln.api;

/**
 * A {@code key=value} label on a build or an agent. A build may require agent tags: it goes only to agents that
 * carry every one of them.
 *
 * @param key   non-empty, without {@code =}, whitespace or control characters
 * @param value possibly empty, without control characters
 */
public record Tag(String key, String value) implements Comparable<Tag> {

    public Tag {
        if (key == null || key.isEmpty() || key.indexOf('=') >= 0 || !printable(key, false)) {
            throw new InvalidRequestException("invalid tag key: " + key);
        }
        if (value == null || !printable(value, true)) {
            throw new InvalidRequestException("invalid tag value for " + key + ": " + value);
        }
    }

    /** Reads a tag written as {@code key=value}. */
    public static Tag parse(String text) {
        int equals = text == null ? -1 : text.indexOf('=');
        if (equals <= 0) {
            throw new InvalidRequestException("a tag is key=value, not " + text);
        }
        return new Tag(text.substring(0, equals), text.substring(equals + 1));
    }

    @Override
    public int compareTo(Tag other) {
        int byKey = key.compareTo(other.key);
        return byKey != 0 ? byKey : value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }

    private static boolean printable(String text, boolean spaceAllowed) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || (!spaceAllowed && Character.isWhitespace(c))) {
                return false;
            }
        }
        return true;
    }
}
