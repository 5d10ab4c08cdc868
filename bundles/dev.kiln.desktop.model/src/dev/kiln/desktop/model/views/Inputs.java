package dev.kiln.desktop.model.views;

import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses what operators type into forms; each method throws {@link IllegalArgumentException} saying what is wrong. */
public final class Inputs {

    private Inputs() {
    }

    /** {@code k=v k2=v2} (spaces or commas between) to a map; empty text to an empty map. */
    public static Map<String, String> tags(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String item : words(text)) {
            int equals = item.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("a tag is key=value: " + item);
            }
            tags.put(item.substring(0, equals), item.substring(equals + 1));
        }
        return tags;
    }

    /** {@code x86_64-linux, aarch64-linux} to a list; at least one. */
    public static List<String> systems(String text) {
        List<String> systems = words(text);
        if (systems.isEmpty()) {
            throw new IllegalArgumentException("name at least one system, for example x86_64-linux");
        }
        return systems;
    }

    public static int priority(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a priority is a whole number: " + text.strip());
        }
    }

    /** A coordinator URL: http or https with a host. */
    public static URI coordinator(String text) {
        String trimmed = text.strip();
        try {
            URI uri = URI.create(trimmed);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + trimmed, e);
        }
        throw new IllegalArgumentException("a coordinator URL looks like http://host:8746: " + trimmed);
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("[\\s,]+")).filter(word -> !word.isEmpty()).toList();
    }
}
