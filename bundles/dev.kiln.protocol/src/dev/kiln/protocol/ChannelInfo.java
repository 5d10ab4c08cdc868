package dev.kiln.protocol;

/** A git repository a jobset follows. */
public record ChannelInfo(String name, String url, String branch) {
}
