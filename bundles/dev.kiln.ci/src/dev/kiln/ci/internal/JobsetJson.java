package dev.kiln.ci.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import dev.kiln.ci.Evaluation;
import dev.kiln.ci.Jobset;

/**
 * Jobsets and evaluations as JSON files under {@code <state-dir>/ci/}, each written atomically (a temporary file,
 * forced to disk, then renamed), so a crash leaves the old version or the new one, never half of one.
 */
final class JobsetFiles {

    private static final String JSON = ".json";

    private final Path jobsets;
    private final Path evaluations;
    private final ObjectMapper json = new ObjectMapper().registerModule(timeModule());

    JobsetFiles(Path ciDir) throws IOException {
        this.jobsets = Files.createDirectories(ciDir.resolve("jobsets"));
        this.evaluations = Files.createDirectories(ciDir.resolve("evaluations"));
    }

    List<Jobset> jobsets() throws IOException {
        return readAll(jobsets, Jobset.class);
    }

    void save(Jobset jobset) throws IOException {
        write(jobsets.resolve(jobset.name() + JSON), jobset);
    }

    void delete(String jobsetName) throws IOException {
        Files.deleteIfExists(jobsets.resolve(jobsetName + JSON));
    }

    List<Evaluation> evaluations() throws IOException {
        return readAll(evaluations, Evaluation.class);
    }

    Optional<Evaluation> evaluation(long id) throws IOException {
        Path file = evaluations.resolve(id + JSON);
        return Files.exists(file) ? Optional.of(json.readValue(file.toFile(), Evaluation.class)) : Optional.empty();
    }

    void save(Evaluation evaluation) throws IOException {
        write(evaluations.resolve(evaluation.id() + JSON), evaluation);
    }

    Path evaluationLog(long id) {
        return evaluations.resolve(id + ".log");
    }

    Path evaluationBuilds(long id) {
        return evaluations.resolve(id + ".builds");
    }

    private <T> List<T> readAll(Path directory, Class<T> type) throws IOException {
        List<T> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(JSON)).sorted(Comparator.naturalOrder()).toList()) {
                all.add(json.readValue(file.toFile(), type));
            }
        }
        return all;
    }

    private void write(Path file, Object value) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(json.writeValueAsBytes(value)));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Instants and durations in their ISO-8601 text. */
    private static SimpleModule timeModule() {
        SimpleModule module = new SimpleModule("kiln-time");
        module.addSerializer(Instant.class, new ToStringSerializer<>());
        module.addSerializer(Duration.class, new ToStringSerializer<>());
        module.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                return Instant.parse(parser.getValueAsString());
            }
        });
        module.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                return Duration.parse(parser.getValueAsString());
            }
        });
        return module;
    }

    private static final class ToStringSerializer<T> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(value.toString());
        }
    }
}
