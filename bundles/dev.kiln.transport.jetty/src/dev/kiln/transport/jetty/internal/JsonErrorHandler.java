package dev.kiln.transport.jetty.internal;

import java.nio.ByteBuffer;
import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import dev.kiln.protocol.ErrorAnswer;
import dev.kiln.protocol.ProtocolJson;

/** Errors Jetty answers itself (an ambiguous path, a bad header) in the same JSON shape as every other error. */
final class JsonErrorHandler implements Request.Handler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        String reason = HttpStatus.getMessage(status);
        ErrorAnswer answer = new ErrorAnswer(reason == null ? "error" : reason.toLowerCase(Locale.ROOT),
                message == null ? reason : message.toString());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(ProtocolJson.write(answer)), callback);
        return true;
    }
}
