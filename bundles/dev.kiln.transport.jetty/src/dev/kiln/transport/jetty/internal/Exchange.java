package dev.kiln.transport.jetty.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Fields;

import dev.kiln.protocol.MalformedJsonException;
import dev.kiln.protocol.ProtocolJson;

/**
 * One request and its answer, with blocking reads and writes: handlers run on virtual threads, so they may block.
 */
final class Exchange {

    /** The largest unread request body that is read and dropped before an error answer, to keep the connection. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    private final Request request;
    private final Response response;
    private final String path;
    private Fields query;

    Exchange(Request request, Response response) {
        this.request = request;
        this.response = response;
        this.path = Request.getPathInContext(request);
    }

    String method() {
        return request.getMethod();
    }

    String path() {
        return path;
    }

    String connector() {
        return request.getConnectionMetaData().getConnector().getName();
    }

    /**
     * Whether the client went away: the connection is closed, or (on plain HTTP, where the socket is Jetty's own)
     * the client closed its side. A long answer that writes nothing for a while asks this between its waits, as
     * HTTP/1.1 says nothing of a client that left until something is written. A client sends nothing more while it
     * waits for an answer, so a byte read here can only be the end of the stream.
     */
    boolean clientGone() {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (!endPoint.isOpen()) {
            return true;
        }
        if (endPoint instanceof SocketChannelEndPoint && endPoint.getTransport() instanceof SocketChannel channel) {
            try {
                return channel.read(ByteBuffer.allocate(1)) < 0;
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    Optional<String> header(HttpHeader header) {
        return Optional.ofNullable(request.getHeaders().get(header));
    }

    Optional<String> header(String header) {
        return Optional.ofNullable(request.getHeaders().get(header));
    }

    Optional<String> query(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        }
        return Optional.ofNullable(query.getValue(name));
    }

    /** The user and password of HTTP Basic authentication, if the request carries them. */
    Optional<String[]> basicCredentials() {
        return header(HttpHeader.AUTHORIZATION).filter(value -> value.regionMatches(true, 0, "Basic ", 0, 6))
                .flatMap(value -> {
                    try {
                        String decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()),
                                StandardCharsets.UTF_8);
                        int colon = decoded.indexOf(':');
                        return colon < 0 ? Optional.empty()
                                : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
                    } catch (IllegalArgumentException e) {
                        return Optional.empty();
                    }
                });
    }

    Optional<String> bearerToken() {
        return header(HttpHeader.AUTHORIZATION).filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).trim());
    }

    InputStream body() {
        return Content.Source.asInputStream(request);
    }

    /** The client's IP address, without its port. */
    String remoteAddress() {
        return Request.getRemoteAddr(request);
    }

    long contentLength() {
        return request.getLength();
    }

    /** Reads a whole body of at most {@code limit} bytes; a larger one is a 413. */
    byte[] readBytes(long limit) throws HttpFailure, IOException {
        long length = request.getLength();
        if (length > limit) {
            throw tooLarge(limit);
        }
        byte[] bytes;
        try (InputStream in = body()) {
            bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 16));
        }
        if (bytes.length > limit) {
            throw tooLarge(limit);
        }
        return bytes;
    }

    /** The request's headers, names in lower case; of a header given twice, the first. */
    Map<String, String> headers() {
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.putIfAbsent(field.getLowerCaseName(), field.getValue());
        }
        return headers;
    }

    /** Reads a whole JSON body of at most {@code limit} bytes. */
    <T> T readJson(Class<T> type, long limit) throws HttpFailure, IOException {
        return readOptionalJson(type, limit).orElseThrow(() -> HttpFailure.badRequest("the request needs a JSON body"));
    }

    /** Reads a JSON body of at most {@code limit} bytes that a client may leave out. */
    <T> Optional<T> readOptionalJson(Class<T> type, long limit) throws HttpFailure, IOException {
        byte[] bytes = readBytes(limit);
        if (bytes.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(ProtocolJson.read(bytes, type));
        } catch (MalformedJsonException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
    }

    /** Reads and discards a body that must be empty or an empty JSON object. */
    void readEmpty(long limit) throws HttpFailure, IOException {
        readOptionalJson(Map.class, limit);
    }

    /**
     * Before an answer that did not need the request's body: reads what is left of a small one, so that the connection
     * can carry the client's next request, and tells the client that the connection closes after a large one. Without
     * this the server would drop the connection after the answer, under a client that is about to reuse it.
     */
    private void drainOrClose() {
        long length = request.getLength();
        if (length == 0) {
            return;
        }
        if (length > 0 && length <= DRAIN_LIMIT) {
            try {
                Content.Source.consumeAll(request);
                return;
            } catch (IOException e) {
                // The body cannot be read: the connection is closed below.
            }
        }
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    private static HttpFailure tooLarge(long limit) {
        return new HttpFailure(413, "body too large", "the limit is " + limit + " bytes");
    }

    void json(int status, Object value) throws IOException {
        send(status, "application/json", ProtocolJson.write(value));
    }

    void noContent() throws IOException {
        response.setStatus(204);
        write(true, ByteBuffer.allocate(0));
    }

    void text(int status, String contentType, String text) throws IOException {
        send(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers a failure with its status and its {@link dev.kiln.protocol.ErrorAnswer}. */
    void error(HttpFailure failure) throws IOException {
        drainOrClose();
        json(failure.status(), failure.answer());
    }

    void setHeader(HttpHeader header, String value) {
        response.getHeaders().put(header, value);
    }

    void setHeader(String header, String value) {
        response.getHeaders().put(header, value);
    }

    boolean isCommitted() {
        return response.isCommitted();
    }

    /** Starts a streamed answer; closing the stream completes it. */
    OutputStream stream(int status, String contentType) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        return Content.Sink.asOutputStream(response);
    }

    private void send(int status, String contentType, byte[] bytes) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        write(true, ByteBuffer.wrap(bytes));
    }

    private void write(boolean last, ByteBuffer bytes) throws IOException {
        try (Blocker.Callback written = Blocker.callback()) {
            response.write(last, bytes, written);
            written.block();
        }
    }
}
