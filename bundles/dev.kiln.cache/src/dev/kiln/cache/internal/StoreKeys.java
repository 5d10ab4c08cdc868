package dev.kiln.cache.internal;

import java.util.regex.Pattern;

/** The keys objects may have, the same for every store: safe as relative file paths and as S3 keys. */
final class StoreKeys {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._+=-]{1,200}");

    private StoreKeys() {
    }

    /** Returns the key when it is valid. */
    static String require(String key) {
        if (key == null || key.isEmpty() || key.length() > 1000) {
            throw new IllegalArgumentException("not an object key: " + key);
        }
        for (String segment : key.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("not an object key: " + key);
            }
        }
        return key;
    }
}
