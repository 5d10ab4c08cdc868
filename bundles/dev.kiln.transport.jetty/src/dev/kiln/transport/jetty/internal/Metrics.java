package dev.kiln.transport.jetty.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP layer's own measures (bytes, request latencies), written in the Prometheus text format together with the
 * gauges the coordinator's services give. Thread-safe and lock-free on the request path.
 */
final class Metrics {

    /** Upper bounds of the latency buckets, in seconds. */
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

    final LongAdder bytesUploaded = new LongAdder();
    final LongAdder bytesServed = new LongAdder();
    private final Map<String, Latency> latencies = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    void observe(String route, long nanos) {
        latencies.computeIfAbsent(route, ignored -> new Latency()).observe(nanos);
    }

    /** A build failed with this kind ({@code failed}, {@code timed-out}...). */
    void failed(String kind) {
        failures.computeIfAbsent(kind, ignored -> new LongAdder()).increment();
    }

    /** Appends the HTTP measures. */
    void write(StringBuilder out) {
        out.append("# HELP kiln_build_failures_total Builds failed since the coordinator started, by failure kind\n");
        out.append("# TYPE kiln_build_failures_total counter\n");
        new java.util.TreeMap<>(failures).forEach((kind, count) -> out.append("kiln_build_failures_total{kind=\"")
                .append(kind).append("\"} ").append(count.sum()).append('\n'));
        counter(out, "kiln_http_uploaded_bytes_total", "Bytes of NARs and logs received", bytesUploaded.sum());
        counter(out, "kiln_http_served_bytes_total", "Bytes of NARs served by the binary cache", bytesServed.sum());
        out.append("# HELP kiln_http_request_duration_seconds Time to answer a request, by route\n");
        out.append("# TYPE kiln_http_request_duration_seconds histogram\n");
        for (Map.Entry<String, Latency> entry : new java.util.TreeMap<>(latencies).entrySet()) {
            entry.getValue().write(out, entry.getKey());
        }
    }

    static void gauge(StringBuilder out, String name, String help, List<Map.Entry<String, Long>> labelled) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        for (Map.Entry<String, Long> value : labelled) {
            out.append(name).append(value.getKey()).append(' ').append(value.getValue()).append('\n');
        }
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static final class Latency {
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS.length + 1);
        private final LongAdder totalNanos = new LongAdder();

        void observe(long nanos) {
            double seconds = nanos / 1e9;
            int bucket = 0;
            while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]) {
                bucket++;
            }
            counts.incrementAndGet(bucket);
            totalNanos.add(nanos);
        }

        void write(StringBuilder out, String route) {
            long cumulative = 0;
            String name = "kiln_http_request_duration_seconds";
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += counts.get(i);
                out.append(name).append("_bucket{route=\"").append(route).append("\",le=\"")
                        .append(String.format(Locale.ROOT, "%s", BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += counts.get(BUCKETS.length);
            out.append(name).append("_bucket{route=\"").append(route).append("\",le=\"+Inf\"} ").append(cumulative).append('\n');
            out.append(name).append("_sum{route=\"").append(route).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.6f", totalNanos.sum() / 1e9)).append('\n');
            out.append(name).append("_count{route=\"").append(route).append("\"} ").append(cumulative).append('\n');
        }
    }
}
