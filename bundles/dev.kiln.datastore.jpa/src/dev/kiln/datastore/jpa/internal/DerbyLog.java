package dev.kiln.datastore.jpa.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where embedded Derby writes its log: to SLF4J, line by line, rather than to a {@code derby.log} file in the
 * working directory. Derby finds it through the system property {@value #PROPERTY}.
 */
public final class DerbyLog {

    static final String PROPERTY = "derby.stream.error.field";

    /** The stream Derby writes to; the property names this field. */
    public static final OutputStream STREAM = new LineLogger();

    private static final Logger LOG = LoggerFactory.getLogger("org.apache.derby");

    private DerbyLog() {
    }

    /** Routes Derby's log here, unless the Derby log is configured otherwise. Before Derby boots. */
    static void install() {
        if (System.getProperty(PROPERTY) == null && System.getProperty("derby.stream.error.file") == null
                && System.getProperty("derby.stream.error.method") == null) {
            System.setProperty(PROPERTY, DerbyLog.class.getName() + ".STREAM");
        }
    }

    private static final class LineLogger extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else if (b != '\r') {
                line.write(b);
            }
        }

        @Override
        public synchronized void flush() {
            flushLine();
        }

        private void flushLine() {
            if (line.size() == 0) {
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.contains("ERROR") || text.contains("Exception")) {
                LOG.warn("{}", text);
            } else {
                LOG.debug("{}", text);
            }
        }
    }
}
