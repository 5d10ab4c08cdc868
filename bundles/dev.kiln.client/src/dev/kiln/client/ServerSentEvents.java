package dev.kiln.client;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Reads a {@code text/event-stream} body: {@code id:}, {@code event:} and {@code data:} fields, one event per blank
 * line; comments ({@code :}) keep the connection open and carry nothing.
 */
final class ServerSentEvents {

    /** Hears one complete event. */
    @FunctionalInterface
    interface Handler {
        void onEvent(String id, String type, String data) throws IOException;
    }

    private ServerSentEvents() {
    }

    /** Reads events until the stream ends. */
    static void read(BufferedReader in, Handler handler) throws IOException {
        String id = null;
        String type = "message";
        StringBuilder data = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isEmpty()) {
                if (data != null) {
                    handler.onEvent(id, type, data.toString());
                }
                type = "message";
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> type = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // Fields this client does not use (retry) are ignored, as the format asks.
                }
            }
        }
    }
}
