package dev.kiln.transport.jetty.internal;

import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Routes a request by the port it came in on and its path. */
final class RootHandler extends Handler.Abstract {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path.equals("/healthz")) {
            if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
                Responses.error(response, 405, "method not allowed", request.getMethod() + " " + path, callback);
                return true;
            }
            Responses.json(response, 200, "{\"status\":\"ok\"}", callback);
            return true;
        }
        Responses.error(response, 404, "not found", path, callback);
        return true;
    }
}
