package dev.kiln.desktop.model.views;

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
}
