package dev.kiln.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.kiln.protocol.ProtocolJson;

/**
 * HTTP/1.1 over blocking sockets whose connections are kept alive and reused, for the agent's many small requests
 * and the clients' JSON requests: on the virtual threads that make them, a request costs a small part of the CPU the
 * JDK's HttpClient spends on it (which hands each exchange to its selector thread and back through a worker thread),
 * and a process that makes one request starts in a fraction of the time. Thread-safe: a request takes
 * an idle connection or opens one. A request whose connection, idle before, turns out closed by the server before
 * any answer is sent again once on a new connection, when its body can be sent again.
 */
final class BlockingHttp {

    /** Connections idle longer are closed rather than reused: servers close idle connections after a while. */
    private static final long IDLE_REUSE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int MAX_IDLE_CONNECTIONS = 16;
    private static final int MAX_LINE = 64 * 1024;

    /** An answer: its status and its whole body. */
    record Response(int status, byte[] body) {
    }

    /** Writes a request body. */
    @FunctionalInterface
    interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A request body, written whole each time the request is sent.
     *
     * @param length its length, or -1 to send it in chunks as it comes
     * @param replayable whether it can be written again after an attempt that failed
     */
    record Body(long length, boolean replayable, BodyWriter writer) {
    }

    /** A body of bytes. */
    static Body bytes(byte[] bytes, int offset, int length) {
        return new Body(length, true, out -> out.write(bytes, offset, length));
    }

    /**
     * The same body, never sent again by this class after a failed attempt: for a request that the server may have
     * taken up in part, such as an upload, whose caller knows how to go on.
     */
    static Body sentOnce(Body body) {
        return new Body(body.length(), false, body.writer());
    }

    private final URI coordinator;
    private final String basePath;
    private final String host;
    private final int port;
    private final String hostHeader;
    private final Supplier<String> authorization;
    private final SSLContext tls;
    private final boolean secure;
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();

    /**
     * @param base the base URL, ending with {@code /}
     * @param authorization asked for the value of the {@code Authorization} header of each request; answers null for
     *        none
     * @param tls the TLS context for {@code https://} coordinators, or null for the JVM's default
     */
    BlockingHttp(URI base, Supplier<String> authorization, SSLContext tls) {
        String text = base.toString();
        this.coordinator = URI.create(text.substring(0, text.length() - 1));
        this.basePath = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
        this.secure = "https".equalsIgnoreCase(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() >= 0 ? base.getPort() : secure ? 443 : 80;
        this.hostHeader = base.getPort() >= 0 ? host + ":" + port : host;
        this.authorization = authorization;
        this.tls = tls;
    }

    /** A JSON request; answers its JSON answer as a record, or null for {@code Void} and 204. */
    <T> T json(String method, String path, Object body, Class<T> answer) throws IOException {
        byte[] json = body == null ? new byte[0] : ProtocolJson.write(body);
        Response response = send(method, path, bytes(json, 0, json.length), "Content-Type", "application/json",
                "Accept", "application/json");
        Http.check(response.status(), response.body());
        if (answer == Void.class || response.status() == 204) {
            return null;
        }
        return Http.read(response.body(), answer, method + " " + path);
    }

    /**
     * Sends a request and reads its whole answer.
     *
     * @param path the path under the base URL, with its query
     * @param headers header names and values, in turn
     */
    Response send(String method, String path, Body body, String... headers) throws IOException {
        try {
            Connection connection = idleConnection();
            if (connection != null) {
                try {
                    return exchange(connection, method, path, body, headers);
                } catch (StaleConnectionException e) {
                    if (!body.replayable()) {
                        throw e;
                    }
                }
            }
            return exchange(open(), method, path, body, headers);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                InterruptedIOException interrupted = new InterruptedIOException(
                        "interrupted while talking to " + coordinator);
                interrupted.initCause(e);
                throw interrupted;
            }
            throw Http.unreachable(coordinator, e);
        }
    }

    /** A connection that broke before any byte of the answer came: the server did not take up the request. */
    private static final class StaleConnectionException extends IOException {
        private static final long serialVersionUID = 1L;

        StaleConnectionException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private Response exchange(Connection connection, String method, String path, Body body, String... headers)
            throws IOException {
        boolean kept = false;
        try {
            try {
                writeRequest(connection.out, method, path, body, headers);
            } catch (IOException e) {
                throw new StaleConnectionException(e);
            }
            int first;
            try {
                first = connection.in.read();
            } catch (SocketTimeoutException e) {
                // The server may be working on the request: it is not sent again.
                throw e;
            } catch (IOException e) {
                throw new StaleConnectionException(e);
            }
            if (first < 0) {
                throw new StaleConnectionException(new EOFException("the server closed the connection"));
            }
            Response response = readResponse(connection, (char) first, method);
            kept = connection.keepAlive;
            return response;
        } finally {
            if (kept) {
                release(connection);
            } else {
                connection.close();
            }
        }
    }

    private void writeRequest(OutputStream out, String method, String path, Body body, String... headers)
            throws IOException {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(basePath).append(path)
                .append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        String credentials = authorization.get();
        if (credentials != null) {
            head.append("Authorization: ").append(credentials).append("\r\n");
        }
        for (int index = 0; index + 1 < headers.length; index += 2) {
            head.append(headers[index]).append(": ").append(headers[index + 1]).append("\r\n");
        }
        long length = body.length();
        head.append(length >= 0 ? "Content-Length: " + length : "Transfer-Encoding: chunked").append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (length >= 0) {
            body.writer().writeTo(out);
        } else {
            ChunkedOutputStream chunked = new ChunkedOutputStream(out);
            body.writer().writeTo(chunked);
            chunked.finish();
        }
        out.flush();
    }

    private static Response readResponse(Connection connection, char first, String method) throws IOException {
        InputStream in = connection.in;
        String statusLine = first + readLine(in);
        int status;
        List<String> headerLines;
        while (true) {
            status = statusCode(statusLine);
            headerLines = new java.util.ArrayList<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                headerLines.add(line);
            }
            // An interim answer (100 Continue) comes before the real one.
            if (status >= 200 || status == 101) {
                break;
            }
            statusLine = readLine(in);
        }
        long contentLength = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close |= value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        byte[] body;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            body = new byte[0];
        } else if (chunked) {
            body = readChunked(in);
        } else if (contentLength >= 0) {
            body = in.readNBytes(Math.toIntExact(contentLength));
            if (body.length < contentLength) {
                throw new EOFException("the answer ended after " + body.length + " of " + contentLength + " bytes");
            }
        } else {
            body = in.readAllBytes();
            close = true;
        }
        connection.keepAlive = !close;
        return new Response(status, body);
    }

    private static int statusCode(String statusLine) throws IOException {
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        try {
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP answer: " + statusLine, e);
        }
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int extension = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("a bad chunk size: " + sizeLine, e);
            }
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // Trailers are not used.
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("the answer ended within a chunk");
            }
            body.writeBytes(chunk);
            readLine(in);
        }
    }

    /** A line without its CR LF. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int next;
        while ((next = in.read()) != '\n') {
            if (next < 0) {
                throw new EOFException("the server closed the connection within its answer");
            }
            if (line.length() == MAX_LINE) {
                throw new IOException("a line of the answer is longer than " + MAX_LINE + " bytes");
            }
            line.append((char) next);
        }
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
            line.setLength(length - 1);
        }
        return line.toString();
    }

    private Connection idleConnection() {
        long now = System.nanoTime();
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (now - connection.idleSince < IDLE_REUSE_NANOS) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private void release(Connection connection) {
        connection.idleSince = System.nanoTime();
        idle.offerFirst(connection);
        if (idle.size() > MAX_IDLE_CONNECTIONS) {
            Connection oldest = idle.pollLast();
            if (oldest != null) {
                oldest.close();
            }
        }
    }

    private Connection open() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Http.REQUEST_TIMEOUT.toMillis());
            try {
                socket.connect(new InetSocketAddress(host, port), (int) Http.CONNECT_TIMEOUT.toMillis());
            } catch (SocketTimeoutException e) {
                HttpConnectTimeoutException timeout = new HttpConnectTimeoutException(e.getMessage());
                timeout.initCause(e);
                throw timeout;
            }
            if (secure) {
                SSLSocket tlsSocket = (SSLSocket) tlsContext().getSocketFactory().createSocket(socket, host, port, true);
                SSLParameters parameters = tlsSocket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tlsSocket.setSSLParameters(parameters);
                tlsSocket.startHandshake();
                socket = tlsSocket;
            }
            return new Connection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private SSLContext tlsContext() throws IOException {
        if (tls != null) {
            return tls;
        }
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no TLS: " + e.getMessage(), e);
        }
    }

    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        boolean keepAlive;
        long idleSince;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // Nothing more can be done with it.
            }
        }
    }

    /** Writes a body in chunks as it comes. */
    private static final class ChunkedOutputStream extends OutputStream {
        private final OutputStream out;

        ChunkedOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return;
            }
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes, offset, length);
            out.write('\r');
            out.write('\n');
        }

        void finish() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
