package dev.kiln.datastore.jpa.internal.model;

import java.util.Map;
import java.util.TreeMap;

/** The data of an event as stored: a flat JSON object whose values are strings. */
public final class EventPayload {

    private EventPayload() {
    }

    public static String write(Map<String, String> data) {
        StringBuilder json = new StringBuilder("{");
        new TreeMap<>(data).forEach((key, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            quote(json, key);
            json.append(':');
            quote(json, value);
        });
        return json.append('}').toString();
    }

    public static Map<String, String> read(String json) {
        Map<String, String> data = new TreeMap<>();
        Reader reader = new Reader(json);
        reader.expect('{');
        reader.skipSpace();
        if (reader.peek() == '}') {
            reader.expect('}');
            return data;
        }
        while (true) {
            String key = reader.string();
            reader.expect(':');
            data.put(key, reader.string());
            reader.skipSpace();
            char next = reader.next();
            if (next == '}') {
                return data;
            }
            if (next != ',') {
                throw new IllegalArgumentException("malformed event payload: " + json);
            }
        }
    }

    private static void quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static final class Reader {
        private final String json;
        private int position;

        Reader(String json) {
            this.json = json;
        }

        char peek() {
            if (position >= json.length()) {
                throw new IllegalArgumentException("truncated event payload: " + json);
            }
            return json.charAt(position);
        }

        char next() {
            char c = peek();
            position++;
            return c;
        }

        void skipSpace() {
            while (position < json.length() && Character.isWhitespace(json.charAt(position))) {
                position++;
            }
        }

        void expect(char expected) {
            skipSpace();
            if (next() != expected) {
                throw new IllegalArgumentException("malformed event payload at " + (position - 1) + ": " + json);
            }
        }

        String string() {
            expect('"');
            StringBuilder text = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return text.toString();
                }
                if (c != '\\') {
                    text.append(c);
                    continue;
                }
                char escaped = next();
                switch (escaped) {
                    case 'n' -> text.append('\n');
                    case 'r' -> text.append('\r');
                    case 't' -> text.append('\t');
                    case 'b' -> text.append('\b');
                    case 'f' -> text.append('\f');
                    case 'u' -> {
                        text.append((char) Integer.parseInt(json.substring(position, position + 4), 16));
                        position += 4;
                    }
                    default -> text.append(escaped);
                }
            }
        }
    }
}
