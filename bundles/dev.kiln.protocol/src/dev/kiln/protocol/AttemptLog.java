package dev.kiln.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One attempt's part of a build log: {@code kiln build log --json} prints one per line. In the stored log each attempt
 * begins with its {@linkplain #header() header line}, which the coordinator writes when the agent reports the start;
 * the lines before the first header (a log begun before headers were written) are attempt 0, with no agent.
 *
 * @param attempt   the attempt's number, from 1
 * @param agent     the name of the agent that ran it, or null for attempt 0
 * @param startedAt when it started, or null for attempt 0
 * @param log       its lines, each ending with a line feed, without the header
 */
public record AttemptLog(int attempt, String agent, Instant startedAt, String log) {

    private static final Pattern HEADER = Pattern.compile("=== kiln: attempt (\\d{1,9}) on agent (.+) at (\\S+) ===");

    /** The line that begins this attempt in the stored log, without its line feed. */
    public String header() {
        return "=== kiln: attempt " + attempt + " on agent " + agent + " at " + startedAt + " ===";
    }

    /** The attempt a header line begins (with an empty log), or empty when {@code line} is no header. */
    public static Optional<AttemptLog> parseHeader(String line) {
        Matcher matcher = HEADER.matcher(line);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new AttemptLog(Integer.parseInt(matcher.group(1)), matcher.group(2),
                    Instant.parse(matcher.group(3)), ""));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads a build log and gives each attempt's part to {@code each} once it is whole: when the next attempt's header
     * comes, or the log ends. The empty line the coordinator writes before a header is left out; a log without
     * headers is one attempt 0, and an empty one gives nothing.
     */
    public static void readAttempts(BufferedReader log, Consumer<AttemptLog> each) throws IOException {
        StringBuilder lines = new StringBuilder();
        AttemptLog current = new AttemptLog(0, null, null, "");
        String line;
        while ((line = log.readLine()) != null) {
            Optional<AttemptLog> next = parseHeader(line);
            if (next.isEmpty()) {
                lines.append(line).append('\n');
                continue;
            }
            if (current.attempt() > 0 || !lines.isEmpty()) {
                if (next.get().attempt() > 1 && lines.length() >= 2 && lines.charAt(lines.length() - 2) == '\n') {
                    lines.setLength(lines.length() - 1);
                }
                each.accept(new AttemptLog(current.attempt(), current.agent(), current.startedAt(), lines.toString()));
            }
            current = next.get();
            lines.setLength(0);
        }
        if (current.attempt() > 0 || !lines.isEmpty()) {
            each.accept(new AttemptLog(current.attempt(), current.agent(), current.startedAt(), lines.toString()));
        }
    }
}
