package dev.kiln.desktop.model.views;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.kiln.protocol.ChannelInfo;

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

    /** {@code key=value} to set and {@code -key} to remove, spaces or commas between; at least one. */
    public static TagEdit tagEdit(String text) {
        Map<String, String> set = new LinkedHashMap<>();
        List<String> remove = new ArrayList<>();
        for (String item : words(text)) {
            if (item.startsWith("-") && item.length() > 1 && item.indexOf('=') < 0) {
                remove.add(item.substring(1));
            } else {
                set.putAll(tags(item));
            }
        }
        if (set.isEmpty() && remove.isEmpty()) {
            throw new IllegalArgumentException("give key=value to set a tag, -key to remove one");
        }
        return new TagEdit(set, remove);
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
        long priority = wholeNumber(text, "a priority");
        if (priority < Integer.MIN_VALUE || priority > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a priority is a whole number: " + text.strip());
        }
        return (int) priority;
    }

    /**
     * One channel a line, {@code [name=]url [branch]}: the branch defaults to {@code main} and the name to the last
     * part of the URL without {@code .git}. At least one; names unique.
     */
    public static List<ChannelInfo> channels(String text) {
        List<ChannelInfo> channels = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String line : text.split("\\R")) {
            List<String> parts = words(line);
            if (parts.isEmpty()) {
                continue;
            }
            if (parts.size() > 2) {
                throw new IllegalArgumentException("a channel is [name=]url [branch]: " + line.strip());
            }
            String address = parts.get(0);
            int equals = address.indexOf('=');
            String url = equals < 0 ? address : address.substring(equals + 1);
            String name = equals < 0 ? defaultChannelName(url) : address.substring(0, equals);
            if (name.isEmpty() || url.isEmpty()) {
                throw new IllegalArgumentException("a channel is [name=]url [branch]: " + line.strip());
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("two channels are named " + name + ": name them, name=url");
            }
            channels.add(new ChannelInfo(name, url, parts.size() > 1 ? parts.get(1) : "main"));
        }
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("name at least one channel: a git URL and a branch");
        }
        return channels;
    }

    /** The channels as {@link #channels(String)} reads them, one a line. */
    public static String channelLines(List<ChannelInfo> channels) {
        return channels.stream().map(channel -> channel.name() + "=" + channel.url() + " " + channel.branch())
                .collect(Collectors.joining("\n"));
    }

    /** Whole seconds, zero or more, to a period. */
    public static Duration period(String text) {
        long seconds = wholeNumber(text, "a period");
        if (seconds < 0) {
            throw new IllegalArgumentException("a period is zero (on demand only) or more seconds: " + text.strip());
        }
        return Duration.ofSeconds(seconds);
    }

    /** A positive limit, or {@code null} for the coordinator's default when blank. */
    public static Integer limit(String text) {
        if (text.isBlank()) {
            return null;
        }
        long limit = wholeNumber(text, "a limit");
        if (limit <= 0 || limit > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a limit is a positive number, or blank for the default: "
                    + text.strip());
        }
        return (int) limit;
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

    private static long wholeNumber(String text, String what) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is a whole number: " + text.strip(), e);
        }
    }

    private static String defaultChannelName(String url) {
        String path = url.replaceAll("[/\\\\]+$", "");
        String last = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf(':')) + 1);
        return last.endsWith(".git") ? last.substring(0, last.length() - ".git".length()) : last;
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("[\\s,]+")).filter(word -> !word.isEmpty()).toList();
    }
}
