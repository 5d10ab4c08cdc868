package dev.kiln.retry.tests;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger that keeps what it is told, to count what a loop said. */
final class RecordingLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    record Line(Level level, String text, Throwable error) {
    }

    final List<Line> lines = new CopyOnWriteArrayList<>();

    RecordingLogger() {
        this.name = "recording";
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable error) {
        lines.add(new Line(level, MessageFormatter.basicArrayFormat(pattern, arguments), error));
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    public boolean isTraceEnabled() {
        return true;
    }

    @Override
    public boolean isDebugEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }
}
