package dev.kiln.ci.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import dev.kiln.ci.Jobset;

/**
 * A jobset's definition as the JSON object the datastore keeps (and the files of earlier versions held). Settings
 * it does not know are ignored and settings it lacks take their defaults, so a jobset gains settings freely.
 */
final class JobsetJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(timeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JobsetJson() {
    }

    static String write(Jobset jobset) {
        try {
            return JSON.writeValueAsString(jobset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write jobset " + jobset.name(), e);
        }
    }

    static Jobset read(String definition) throws IOException {
        return JSON.readValue(definition, Jobset.class);
    }

    static ObjectMapper mapper() {
        return JSON;
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
