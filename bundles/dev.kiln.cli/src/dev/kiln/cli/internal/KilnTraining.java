package dev.kiln.cli.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The run that {@code bin/kiln} makes once, in the background, to write the class cache of the client commands: it
 * runs the commands people run most, and the help of every command, against a stand-in coordinator on loopback that
 * answers every request with an empty JSON object, printing nothing. The cache then holds what any client command
 * loads, whichever command a user happens to run first. It takes a few seconds of CPU; bounded, against a hang that
 * should not happen: it ends within {@value #LIMIT_SECONDS} s (it runs at a low priority on what may be a busy machine).
 */
public final class KilnTraining {

    private static final int LIMIT_SECONDS = 900;
    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            + "Connection: close\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1);

    private KilnTraining() {
    }

    public static void main(String[] args) throws IOException {
        train();
        System.exit(0);
    }

    /** Runs the commands; answers how many requests the stand-in coordinator was sent. */
    static int train() throws IOException {
        Thread limit = new Thread(() -> {
            try {
                Thread.sleep(LIMIT_SECONDS * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(1);
        }, "training limit");
        limit.setDaemon(true);
        limit.start();
        AtomicInteger answered = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answer(server, answered), "stand-in coordinator");
            answering.setDaemon(true);
            answering.start();
            String coordinator = "--coordinator=http://127.0.0.1:" + server.getLocalPort();
            String build = UUID.nameUUIDFromBytes(new byte[0]).toString();
            List<List<String>> lines = List.of(List.of("--version"), List.of("--help"),
                    List.of("build", "counts", coordinator), List.of("build", "list", coordinator),
                    List.of("build", "show", build, coordinator), List.of("build", "show", build, coordinator, "--json"),
                    List.of("agent", "list", coordinator), List.of("agent", "list", coordinator, "--json"),
                    List.of("jobset", "list", coordinator), List.of("build", "counts", "--bad-option"));
            for (List<String> line : lines) {
                run(line.toArray(String[]::new));
            }
            for (String command : List.of("build", "agent", "token", "cache", "store", "hook", "jobset", "eval")) {
                run(command, "--help");
            }
        } finally {
            limit.interrupt();
        }
        return answered.get();
    }

    private static void run(String... args) {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        KilnCommandLine.withoutFramework(nowhere, nowhere).run(args);
    }

    /** Answers each request on its own connection, its head read and its body, if any, left. */
    private static void answer(ServerSocket server, AtomicInteger answered) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                BufferedReader head = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                for (String line = head.readLine(); line != null && !line.isEmpty(); line = head.readLine()) {
                    // The request's head says nothing that changes the answer.
                }
                answered.incrementAndGet();
                OutputStream out = socket.getOutputStream();
                out.write(ANSWER);
                out.flush();
            } catch (IOException e) {
                // A request the client gave up on: the next one is answered.
            }
        }
    }
}
