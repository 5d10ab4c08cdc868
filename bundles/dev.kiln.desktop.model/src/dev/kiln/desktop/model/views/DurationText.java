package dev.kiln.desktop.model.views;

import java.time.Duration;

/** Short human durations: {@code 45 s}, {@code 3 min 5 s}, {@code 2 h 10 min}. */
public final class DurationText {

    private DurationText() {
    }

    public static String of(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    /** A span of whole minutes or hours, as zoom levels read: {@code 15 min}, {@code 3 h}. */
    public static String span(Duration span) {
        return span.toMinutes() < 60 || span.toMinutes() % 60 != 0 ? span.toMinutes() + " min" : span.toHours() + " h";
    }
}
