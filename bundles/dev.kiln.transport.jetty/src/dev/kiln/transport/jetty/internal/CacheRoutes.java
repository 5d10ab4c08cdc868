package dev.kiln.transport.jetty.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.eclipse.jetty.http.HttpHeader;

import dev.kiln.api.Build;
import dev.kiln.api.BuildPage;
import dev.kiln.api.BuildQuery;
import dev.kiln.cache.CacheRetention;
import dev.kiln.cache.UploadException;
import dev.kiln.cache.storage.ObjectStream;

/** The binary cache's routes: {@code /nix-cache-info}, {@code /<hash>.narinfo}, {@code /nar/...}, {@code /log/...}. */
final class CacheRoutes {

    private static final int NARINFO_LIMIT = 1024 * 1024;

    private final Services services;
    private final Extensions extensions;
    private final Metrics metrics;

    CacheRoutes(Services services, Extensions extensions, Metrics metrics) {
        this.services = services;
        this.extensions = extensions;
        this.metrics = metrics;
    }

    /** Whether the path is one of the cache's. */
    static boolean owns(String path) {
        return path.equals("/nix-cache-info") || path.endsWith(".narinfo") || path.startsWith("/nar/")
                || path.startsWith("/log/");
    }

    static boolean isUpload(Exchange exchange) {
        return exchange.method().equals("PUT");
    }

    void get(Exchange exchange) throws HttpFailure, IOException {
        String path = exchange.path();
        boolean head = exchange.method().equals("HEAD");
        if (!head && !exchange.method().equals("GET")) {
            throw ClientApi.methodNotAllowed(exchange);
        }
        if (path.equals("/nix-cache-info")) {
            send(exchange, head, "text/x-nix-cache-info",
                    "StoreDir: " + services.cache().storeDir() + "\nWantMassQuery: 1\nPriority: 30\n");
        } else if (path.endsWith(".narinfo") && path.lastIndexOf('/') == 0) {
            String hashPart = path.substring(1, path.length() - ".narinfo".length());
            Optional<String> info = services.cache().narInfo(hashPart);
            if (info.isEmpty()) {
                throw HttpFailure.notFound("no store path with hash " + hashPart);
            }
            CacheRetention retention = extensions.retention().get();
            if (retention != null) {
                retention.served(hashPart);
            }
            send(exchange, head, "text/x-nix-narinfo", info.get());
        } else if (path.startsWith("/nar/")) {
            try (ObjectStream nar = services.cache().openNar(path.substring(5))
                    .orElseThrow(() -> HttpFailure.notFound("no NAR " + path.substring(5)))) {
                exchange.setHeader(HttpHeader.CONTENT_LENGTH, Long.toString(nar.size()));
                try (OutputStream out = exchange.stream(200, "application/x-nix-nar")) {
                    if (!head) {
                        metrics.bytesServed.add(nar.stream().transferTo(out));
                    }
                }
            }
        } else if (path.startsWith("/log/")) {
            log(exchange, path.substring(5));
        } else {
            throw HttpFailure.notFound(path);
        }
    }

    /** The log of the newest build of a derivation, by its base name. */
    private void log(Exchange exchange, String baseName) throws HttpFailure, IOException {
        if (baseName.isEmpty() || baseName.contains("/") || !baseName.endsWith(".drv")) {
            throw HttpFailure.notFound("not a derivation: " + baseName);
        }
        String drvPath = services.cache().storeDir() + "/" + baseName;
        BuildPage page = services.builds().list(BuildQuery.all(1).withDerivationPath(drvPath));
        if (page.builds().isEmpty()) {
            throw HttpFailure.notFound("no build of " + drvPath);
        }
        Build build = page.builds().get(0);
        Optional<InputStream> log = services.logs().open(build.id());
        if (log.isEmpty()) {
            throw HttpFailure.notFound("no log for build " + build.id());
        }
        try (InputStream in = log.get(); OutputStream out = exchange.stream(200, "text/plain; charset=utf-8")) {
            in.transferTo(out);
        }
    }

    /** {@code nix copy --to}: a NAR file, then its narinfo. */
    void put(Exchange exchange) throws HttpFailure, IOException {
        String path = exchange.path();
        try {
            if (path.startsWith("/nar/")) {
                try (InputStream body = exchange.body()) {
                    services.cache().putIncomingNar(path.substring(5), body);
                }
                metrics.bytesUploaded.add(Math.max(0, exchange.contentLength()));
            } else if (path.endsWith(".narinfo") && path.lastIndexOf('/') == 0) {
                byte[] text;
                try (InputStream body = exchange.body()) {
                    text = body.readNBytes(NARINFO_LIMIT + 1);
                }
                if (text.length > NARINFO_LIMIT) {
                    throw new HttpFailure(413, "body too large", "a narinfo has at most " + NARINFO_LIMIT + " bytes");
                }
                services.cache().putNarInfo(path.substring(1, path.length() - ".narinfo".length()),
                        new String(text, StandardCharsets.UTF_8));
            } else {
                throw ClientApi.methodNotAllowed(exchange);
            }
        } catch (UploadException e) {
            throw RootHandler.failure(e);
        }
        exchange.text(200, "text/plain", "");
    }

    private static void send(Exchange exchange, boolean head, String type, String text) throws IOException {
        if (head) {
            exchange.text(200, type, "");
        } else {
            exchange.text(200, type, text);
        }
    }
}
