package dev.kiln.api;

import java.util.Locale;

/**
 * What a build may use before it is stopped and fails with its own {@link FailureKind}. Each limit is {@code null}
 * when not set (the next level decides: submission, then jobset, then the coordinator's default) and 0 for none.
 *
 * @param timeoutSeconds    the longest it may run, in seconds
 * @param maxSilentSeconds  the longest it may write nothing to its log, in seconds
 * @param maxLogBytes       the largest its log may grow, in bytes
 * @param maxOutputBytes    the largest NAR each of its outputs may have, in bytes
 */
public record BuildLimits(Long timeoutSeconds, Long maxSilentSeconds, Long maxLogBytes, Long maxOutputBytes) {

    /** No limit set: every one comes from the next level. */
    public static final BuildLimits UNSET = new BuildLimits(null, null, null, null);

    /** The longest time limit: a year. */
    public static final long MAX_SECONDS = 366L * 24 * 3600;

    /** The largest size limit: 1 PiB. */
    public static final long MAX_BYTES = 1L << 50;

    public BuildLimits {
        requireWithin(timeoutSeconds, MAX_SECONDS, "timeout", "seconds (a year)");
        requireWithin(maxSilentSeconds, MAX_SECONDS, "max-silent time", "seconds (a year)");
        requireWithin(maxLogBytes, MAX_BYTES, "max log size", "bytes");
        requireWithin(maxOutputBytes, MAX_BYTES, "max output size", "bytes");
    }

    /** These limits, each one unset taken from {@code defaults}. */
    public BuildLimits orElse(BuildLimits defaults) {
        return new BuildLimits(timeoutSeconds != null ? timeoutSeconds : defaults.timeoutSeconds,
                maxSilentSeconds != null ? maxSilentSeconds : defaults.maxSilentSeconds,
                maxLogBytes != null ? maxLogBytes : defaults.maxLogBytes,
                maxOutputBytes != null ? maxOutputBytes : defaults.maxOutputBytes);
    }

    /** Whether no limit is set. */
    public boolean isUnset() {
        return equals(UNSET);
    }

    /**
     * A time in whole seconds, as a user writes it.
     *
     * @param text a non-negative number of seconds, or null
     * @param what what the time is, for the message
     * @return the seconds, or null for null
     * @throws InvalidRequestException when it is not a number, negative or over a year
     */
    public static Long parseSeconds(String text, String what) {
        if (text == null) {
            return null;
        }
        long seconds = parseNumber(text.strip(), what, "a number of seconds");
        requireWithin(seconds, MAX_SECONDS, what, "seconds (a year)");
        return seconds;
    }

    /**
     * A size in bytes, as a user writes it: a number, or a number with a binary suffix {@code K}, {@code M},
     * {@code G} or {@code T} (optionally followed by {@code iB} or {@code B}): {@code 1048576}, {@code 1M},
     * {@code 2GiB}.
     *
     * @return the bytes, or null for null
     * @throws InvalidRequestException when it is not such a size, is negative or over 1 PiB
     */
    public static Long parseSize(String text, String what) {
        if (text == null) {
            return null;
        }
        String size = text.strip().toUpperCase(Locale.ROOT);
        size = size.endsWith("IB") ? size.substring(0, size.length() - 2)
                : size.endsWith("B") ? size.substring(0, size.length() - 1) : size;
        int shift = size.isEmpty() ? 0 : switch (size.charAt(size.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        if (shift > 0) {
            size = size.substring(0, size.length() - 1);
        }
        long number = parseNumber(size, what, "a size in bytes, or with a suffix K, M, G or T: " + text);
        if (number > MAX_BYTES >> shift) {
            throw new InvalidRequestException(what + " is over 1 PiB: " + text);
        }
        long bytes = number << shift;
        requireWithin(bytes, MAX_BYTES, what, "bytes");
        return bytes;
    }

    private static long parseNumber(String text, String what, String expected) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(what + " must be " + expected + ", not '" + text + "'");
        }
    }

    private static void requireWithin(Long value, long max, String what, String unit) {
        if (value != null && value < 0) {
            throw new InvalidRequestException(what + " must not be negative: " + value);
        }
        if (value != null && value > max) {
            throw new InvalidRequestException(what + " must be at most " + max + " " + unit + ": " + value);
        }
    }
}
