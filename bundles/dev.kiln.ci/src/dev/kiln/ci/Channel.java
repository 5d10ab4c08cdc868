package dev.kiln.ci;

import dev.kiln.api.InvalidRequestException;

/**
 * A git repository a jobset follows.
 *
 * @param name   how the evaluation command finds its checkout: {@code $KILN_CHANNEL_<NAME>}
 * @param url    anything git can clone: a URL or a local path
 * @param branch the branch followed
 */
public record Channel(String name, String url, String branch) {

    public Channel {
        if (name == null) {
            throw new InvalidRequestException("a channel needs a name");
        }
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
            throw new InvalidRequestException("a channel name is letters, digits, '-' and '_': " + name);
        }
        if (url == null || url.isBlank()) {
            throw new InvalidRequestException("channel " + name + " has no url");
        }
        if (branch == null || branch.isBlank()) {
            throw new InvalidRequestException("channel " + name + " has no branch");
        }
    }
}
