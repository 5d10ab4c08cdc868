package dev.kiln.desktop.model;

import java.util.Objects;

/**
 * A git repository a jobset follows.
 *
 * @param name   how the evaluation command and the evaluation's commits name it
 * @param url    anything git can fetch: an https URL, an ssh address or a local path
 * @param branch the branch followed
 */
public record Channel(String name, String url, String branch) {

    public Channel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(branch, "branch");
    }
}
