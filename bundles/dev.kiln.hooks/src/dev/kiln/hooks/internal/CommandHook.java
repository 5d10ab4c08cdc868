package dev.kiln.hooks.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import dev.kiln.api.Event;
import dev.kiln.hooks.api.Farm;
import dev.kiln.hooks.api.Hook;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.EventType;
import dev.kiln.protocol.ProtocolJson;

/**
 * Runs an executable for each event, with the event on its standard input in the JSON of the event stream
 * ({@link EventInfo}), for operators who do not write Java. Exit status 0 acknowledges the event; any other status is a failure, reported with the end of the output.
 */
final class CommandHook implements Hook {

    static final String NAME = "command";
    private static final int OUTPUT_KEPT = 2_000;

    private final Path executable;

    CommandHook(Path executable) {
        this.executable = executable;
    }

    @Override
    public void handle(Event event, Farm farm) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(executable.toString()).redirectErrorStream(true).start();
        try {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(ProtocolJson.write(new EventInfo(event.id(), EventType.valueOf(event.type().name()),
                        event.time(), event.buildId(), event.agentId(), event.data())));
            } catch (IOException e) {
                // The command may exit without reading its input; its exit status tells.
            }
            String outputEnd = tail(process.getInputStream());
            int status = process.waitFor();
            if (status != 0) {
                throw new IOException(executable + " exited with status " + status
                        + (outputEnd.isBlank() ? "" : ": " + outputEnd.strip()));
            }
        } finally {
            process.destroyForcibly();
        }
    }

    /** Reads the whole output, keeping its last characters. */
    private static String tail(InputStream output) throws IOException {
        byte[] kept = new byte[OUTPUT_KEPT];
        int length = 0;
        byte[] buffer = new byte[8_192];
        for (int read = output.read(buffer); read >= 0; read = output.read(buffer)) {
            if (read >= OUTPUT_KEPT) {
                System.arraycopy(buffer, read - OUTPUT_KEPT, kept, 0, OUTPUT_KEPT);
                length = OUTPUT_KEPT;
            } else {
                int keep = Math.min(length, OUTPUT_KEPT - read);
                System.arraycopy(kept, length - keep, kept, 0, keep);
                System.arraycopy(buffer, 0, kept, keep, read);
                length = keep + read;
            }
        }
        return new String(Arrays.copyOf(kept, length), StandardCharsets.UTF_8);
    }
}
