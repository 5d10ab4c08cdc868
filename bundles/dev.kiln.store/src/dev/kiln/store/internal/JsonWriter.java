package dev.kiln.store.internal;

/**
 * Writes JSON formatted as Nix 2.8's {@code JSONWriter} formats it: two
 * spaces of indentation, one member or element a line, {@code []} and
 * {@code {}} for empty containers, and strings escaped as Nix escapes them
 * (only {@code " \ \n \r \t} and other control characters; the rest as is).
 * Not thread-safe.
 */
public final class JsonWriter {

    private final StringBuilder text = new StringBuilder();
    private int depth;
    /** Whether the innermost open container has no member yet. */
    private boolean empty;

    /** Opens an object, as a value or at the top. */
    public void beginObject() {
        text.append('{');
        depth++;
        empty = true;
    }

    /** Closes the innermost object. */
    public void endObject() {
        close('}');
    }

    /** Opens an array, as a value. */
    public void beginArray() {
        text.append('[');
        depth++;
        empty = true;
    }

    /** Closes the innermost array. */
    public void endArray() {
        close(']');
    }

    /**
     * Starts a member of the innermost object; its value follows.
     *
     * @param key the member's name
     */
    public void name(String key) {
        newElement();
        string(key);
        text.append(": ");
    }

    /**
     * Writes a string member of the innermost object.
     *
     * @param key   the member's name
     * @param value its value
     */
    public void member(String key, String value) {
        name(key);
        string(value);
    }

    /**
     * Writes a string element of the innermost array.
     *
     * @param value the element
     */
    public void element(String value) {
        newElement();
        string(value);
    }

    /** @return the text written so far */
    @Override
    public String toString() {
        return text.toString();
    }

    private void newElement() {
        if (!empty) {
            text.append(',');
        }
        empty = false;
        newLine(depth);
    }

    private void close(char bracket) {
        depth--;
        if (!empty) {
            newLine(depth);
        }
        text.append(bracket);
        empty = false;
    }

    private void newLine(int indentation) {
        text.append('\n');
        text.repeat(' ', indentation * 2);
    }

    private void string(String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}
