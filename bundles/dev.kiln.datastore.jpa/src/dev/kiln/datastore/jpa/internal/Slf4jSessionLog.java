package dev.kiln.datastore.jpa.internal;

import org.eclipse.persistence.logging.AbstractSessionLog;
import org.eclipse.persistence.logging.SessionLog;
import org.eclipse.persistence.logging.SessionLogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends EclipseLink's log to SLF4J (EclipseLink would print to standard output otherwise). */
public final class Slf4jSessionLog extends AbstractSessionLog {

    private static final Logger LOG = LoggerFactory.getLogger("org.eclipse.persistence");

    public Slf4jSessionLog() {
        setLevel(SessionLog.WARNING);
    }

    @Override
    public void log(SessionLogEntry entry) {
        if (!shouldLog(entry.getLevel(), entry.getNameSpace())) {
            return;
        }
        String message = formatMessage(entry);
        Throwable failure = entry.getException();
        if (failure != null && entry.getLevel() == SessionLog.WARNING) {
            // A failed statement: its exception is thrown to the datastore's caller, which says it (once, while a
            // database is away, instead of once a request here).
            LOG.debug(message, failure);
            return;
        }
        switch (entry.getLevel()) {
            case SessionLog.SEVERE -> LOG.error(message, failure);
            case SessionLog.WARNING -> LOG.warn(message, failure);
            case SessionLog.INFO, SessionLog.CONFIG -> LOG.info(message, failure);
            default -> LOG.debug(message, failure);
        }
    }
}
