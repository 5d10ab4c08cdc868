package dev.kiln.cli.internal;

import dev.kiln.api.BuildLimits;
import dev.kiln.api.InvalidRequestException;
import dev.kiln.protocol.BuildLimitsInfo;
import picocli.CommandLine.Option;

/**
 * The options that limit a build: times in seconds, sizes in bytes or with a binary suffix ({@code 1M}, {@code 2G}).
 * Checked before anything is sent, each bad one refused in one line, without the usage hint of a mistyped command:
 * the command was right, the value was not.
 */
final class LimitOptions {

    @Option(names = {"--timeout", "--build-timeout"}, paramLabel = "SECONDS",
            description = "The longest a build may run; 0 for no limit.")
    String timeout;

    @Option(names = "--max-silent-time", paramLabel = "SECONDS",
            description = "The longest a build may write nothing to its log; 0 for no limit.")
    String maxSilentTime;

    @Option(names = "--max-log-size", paramLabel = "SIZE",
            description = "The largest log a build may write (bytes, or 1M, 2G...): it is cut there and the build fails;"
                    + " 0 for no limit.")
    String maxLogSize;

    @Option(names = "--max-output-size", paramLabel = "SIZE",
            description = "The largest NAR each output of a build may have (bytes, or 1M, 2G...): a larger one fails the"
                    + " build and is not uploaded; 0 for no limit.")
    String maxOutputSize;

    /** The limits given, the others unset. */
    BuildLimits limits() {
        try {
            return new BuildLimits(BuildLimits.parseSeconds(timeout, "--timeout"),
                    BuildLimits.parseSeconds(maxSilentTime, "--max-silent-time"),
                    BuildLimits.parseSize(maxLogSize, "--max-log-size"),
                    BuildLimits.parseSize(maxOutputSize, "--max-output-size"));
        } catch (InvalidRequestException e) {
            throw refused(e);
        }
    }

    /** A time option in seconds, checked as a limit is. */
    static long seconds(String text, String option) {
        try {
            return BuildLimits.parseSeconds(text, option);
        } catch (InvalidRequestException e) {
            throw refused(e);
        }
    }

    /** A refused value: one line, and the exit code of a usage error. */
    static CommandFailedException refused(InvalidRequestException e) {
        return new CommandFailedException(e.getMessage(), KilnCommandLine.EXIT_USAGE, e);
    }

    /** Limits as the protocol sends them. */
    static BuildLimitsInfo info(BuildLimits limits) {
        return new BuildLimitsInfo(limits.timeoutSeconds(), limits.maxSilentSeconds(), limits.maxLogBytes(),
                limits.maxOutputBytes());
    }

    static String text(Long value) {
        return value == null ? null : value.toString();
    }
}
