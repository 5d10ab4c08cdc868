package dev.kiln.transport.jetty.internal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import dev.kiln.api.Event;
import dev.kiln.api.EventType;

/**
 * The HTTP layer's own measures (bytes, request latencies), written in the Prometheus text format together with the
 * gauges the coordinator's services give. Thread-safe and lock-free on the request path.
 */
final class Metrics {

    /** Upper bounds of the latency buckets, in seconds. */
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
    /** Upper bounds of the build duration buckets, in seconds: a second to a day. */
    private static final double[] BUILD_BUCKETS = {1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 21600, 86400};
    /** The events that end a build, and the outcome each stands for. */
    private static final Map<EventType, String> OUTCOMES = Map.of(EventType.BUILD_SUCCESS, "succeeded",
            EventType.BUILD_FAILURE, "failed", EventType.BUILD_CANCELED, "canceled",
            EventType.BUILD_DEPENDENCY_FAILED, "dependency-failed");

    final LongAdder bytesUploaded = new LongAdder();
    final LongAdder bytesServed = new LongAdder();
    /** Requests answered 503 because the datastore was unavailable. */
    private final LongAdder unavailable = new LongAdder();
    private final Map<String, Latency> latencies = new ConcurrentHashMap<>();
    /** Builds failed since the start, by failure kind. */
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    /** Builds finished since the start, by system and outcome, as Prometheus labels. */
    private final Map<String, LongAdder> finished = new ConcurrentHashMap<>();
    /** How long the builds that ran ran, by outcome. */
    private final Map<String, Latency> durations = new ConcurrentHashMap<>();

    void observe(String route, long nanos) {
        latencies.computeIfAbsent(route, ignored -> new Latency(BUCKETS)).observe(nanos);
    }

    /** Counts the builds that the events finish; an {@link dev.kiln.api.EventListener}. */
    void committed(List<Event> events) {
        for (Event event : events) {
            String outcome = OUTCOMES.get(event.type());
            if (outcome == null) {
                continue;
            }
            String system = event.data().getOrDefault("system", "unknown");
            finished.computeIfAbsent("{system=\"" + label(system) + "\",outcome=\"" + outcome + "\"}",
                    ignored -> new LongAdder()).increment();
            String duration = event.data().get("duration-seconds");
            if (duration != null) {
                try {
                    long nanos = new BigDecimal(duration).movePointRight(9).longValueExact();
                    durations.computeIfAbsent(outcome, ignored -> new Latency(BUILD_BUCKETS)).observe(nanos);
                } catch (ArithmeticException | NumberFormatException e) {
                    // Not a duration: the build is counted, not timed.
                }
            }
        }
    }

    /** A label value as Prometheus's text format quotes it. */
    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A build failed with this kind ({@code failed}, {@code timed-out}...). */
    void failed(String kind) {
        failures.computeIfAbsent(kind, ignored -> new LongAdder()).increment();
    }

    /** A request was answered 503 because the datastore was unavailable. */
    void unavailable() {
        unavailable.increment();
    }

    /** Appends the HTTP measures. */
    void write(StringBuilder out) {
        out.append("# HELP kiln_build_failures_total Builds failed since the coordinator started, by failure kind\n");
        out.append("# TYPE kiln_build_failures_total counter\n");
        new TreeMap<>(failures).forEach((kind, count) -> out.append("kiln_build_failures_total{kind=\"")
                .append(kind).append("\"} ").append(count.sum()).append('\n'));
        counter(out, "kiln_http_uploaded_bytes_total", "Bytes of NARs and logs received", bytesUploaded.sum());
        counter(out, "kiln_http_served_bytes_total", "Bytes of NARs served by the binary cache", bytesServed.sum());
        counter(out, "kiln_http_datastore_unavailable_total",
                "Requests answered 503 because the datastore could not be reached or took no writes", unavailable.sum());
        out.append("# HELP kiln_http_request_duration_seconds Time to answer a request, by route\n");
        out.append("# TYPE kiln_http_request_duration_seconds histogram\n");
        for (Map.Entry<String, Latency> entry : new TreeMap<>(latencies).entrySet()) {
            entry.getValue().write(out, "kiln_http_request_duration_seconds", "route", entry.getKey());
        }
        out.append("# HELP kiln_builds_finished_total Builds finished since the coordinator started, by system and "
                + "outcome\n");
        out.append("# TYPE kiln_builds_finished_total counter\n");
        new TreeMap<>(finished).forEach((labels, count) -> out.append("kiln_builds_finished_total").append(labels)
                .append(' ').append(count.sum()).append('\n'));
        out.append("# HELP kiln_build_duration_seconds How long finished builds ran, from their start, by outcome\n");
        out.append("# TYPE kiln_build_duration_seconds histogram\n");
        for (Map.Entry<String, Latency> entry : new TreeMap<>(durations).entrySet()) {
            entry.getValue().write(out, "kiln_build_duration_seconds", "outcome", entry.getKey());
        }
    }

    static void gauge(StringBuilder out, String name, String help, List<Map.Entry<String, Long>> labelled) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        for (Map.Entry<String, Long> value : labelled) {
            out.append(name).append(value.getKey()).append(' ').append(value.getValue()).append('\n');
        }
    }

    static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    /** A histogram of durations, in buckets of upper bounds in seconds. */
    private static final class Latency {
        private final double[] buckets;
        private final AtomicLongArray counts;
        private final LongAdder totalNanos = new LongAdder();

        Latency(double[] buckets) {
            this.buckets = buckets;
            this.counts = new AtomicLongArray(buckets.length + 1);
        }

        void observe(long nanos) {
            double seconds = nanos / 1e9;
            int bucket = 0;
            while (bucket < buckets.length && seconds > buckets[bucket]) {
                bucket++;
            }
            counts.incrementAndGet(bucket);
            totalNanos.add(nanos);
        }

        void write(StringBuilder out, String name, String label, String value) {
            String labels = label + "=\"" + value + "\"";
            long cumulative = 0;
            for (int i = 0; i < buckets.length; i++) {
                cumulative += counts.get(i);
                out.append(name).append("_bucket{").append(labels).append(",le=\"")
                        .append(String.format(Locale.ROOT, "%s", buckets[i])).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += counts.get(buckets.length);
            out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(cumulative).append('\n');
            out.append(name).append("_sum{").append(labels).append("} ")
                    .append(String.format(Locale.ROOT, "%.6f", totalNanos.sum() / 1e9)).append('\n');
            out.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
        }
    }
}
