package dev.kiln.cache.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where the cache keeps its objects, as {@code --cache-store} writes it: a directory or {@code s3://…}. */
sealed interface StoreLocation {

    /** A local directory. */
    record Directory(Path root) implements StoreLocation {
    }

    /**
     * A bucket of S3-compatible storage.
     *
     * @param prefix the keys' prefix: empty, or ending with {@code /}
     */
    record S3(String bucket, String prefix, Optional<URI> endpoint, String region) implements StoreLocation {
        @Override
        public String toString() {
            return "s3://" + bucket + "/" + prefix + endpoint.map(uri -> " at " + uri).orElse("");
        }
    }

    Set<String> S3_PARAMETERS = Set.of("endpoint", "region");

    /**
     * Parses a location: empty for {@code stateDir}, an absolute path (or {@code file://} URL), or
     * {@code s3://BUCKET[/PREFIX][?endpoint=URL&region=R]}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong
     */
    static StoreLocation parse(String text, Path stateDir) {
        if (text == null || text.isBlank()) {
            return new Directory(stateDir);
        }
        if (text.startsWith("/")) {
            return new Directory(Path.of(text));
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the cache store " + text + " is not a URL: " + e.getMessage());
        }
        if ("file".equals(uri.getScheme()) && uri.getPath() != null && uri.getPath().startsWith("/")) {
            return new Directory(Path.of(uri.getPath()));
        }
        if (!"s3".equals(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "the cache store " + text + " is neither a directory nor s3://BUCKET/PREFIX?endpoint=URL&region=R");
        }
        String bucket = uri.getRawAuthority();
        if (bucket != null && bucket.contains("@")) {
            throw new IllegalArgumentException("the cache store URL carries no credentials: "
                    + "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or a credentials file");
        }
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("the cache store " + text + " names no valid bucket");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        String prefix = path.isEmpty() ? "" : StoreKeys.require(path) + "/";
        Map<String, String> parameters = parameters(text, uri.getRawQuery());
        Optional<URI> endpoint = Optional.ofNullable(parameters.get("endpoint")).map(value -> endpoint(text, value));
        return new S3(bucket, prefix, endpoint, parameters.getOrDefault("region", "us-east-1"));
    }

    private static Map<String, String> parameters(String text, String query) {
        Map<String, String> parameters = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            if (!S3_PARAMETERS.contains(name) || equals < 0) {
                throw new IllegalArgumentException("the cache store " + text + " has an unknown parameter '" + pair
                        + "' (known: endpoint=URL, region=R)");
            }
            parameters.put(name, URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static URI endpoint(String text, String value) {
        try {
            URI endpoint = new URI(value);
            if (("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                    && endpoint.getHost() != null) {
                return endpoint;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw new IllegalArgumentException("the cache store " + text + " has an endpoint that is no http(s) URL: " + value);
    }
}
