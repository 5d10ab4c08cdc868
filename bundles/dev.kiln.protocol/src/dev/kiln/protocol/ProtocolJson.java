package dev.kiln.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The JSON form of the protocol records. Strict about types (a string is never read as a number, nor a number as a
 * string), lenient about unknown fields so that older readers accept newer writers. An {@link Instant} is an
 * ISO-8601 UTC string ({@code 2026-11-22T02:10:01Z}), a {@link java.util.UUID} its usual string, an enum its
 * {@code toString()} ({@code dependency-failed}); a value of another spelling is refused, and so is a {@code null} in
 * a list or as the value of a map. Thread-safe.
 */
public final class ProtocolJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
            .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
            .addModule(new SimpleModule("kiln-protocol")
                    .addSerializer(Instant.class, new InstantSerializer())
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .withCoercionConfigDefaults(config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert))
            .build();

    private static final TypeReference<TreeMap<String, String>> STRINGS = new TypeReference<>() {
    };

    private ProtocolJson() {
    }

    /**
     * Reads one value of a type from a whole body.
     *
     * @throws MalformedJsonException when the body is not JSON of that shape (an empty body included)
     * @throws IOException when the stream fails
     */
    public static <T> T read(InputStream in, Class<T> type) throws IOException {
        return parse(() -> MAPPER.readValue(in, type));
    }

    /** Reads one value from a byte array, see {@link #read(InputStream, Class)}. */
    public static <T> T read(byte[] body, Class<T> type) throws MalformedJsonException {
        try {
            return read(new java.io.ByteArrayInputStream(body), type);
        } catch (MalformedJsonException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a JSON object whose values are all strings, such as an event's {@code data}.
     *
     * @throws MalformedJsonException when the text is not such an object
     */
    public static Map<String, String> readStrings(String json) throws MalformedJsonException {
        try {
            return parse(() -> MAPPER.readValue(json, STRINGS));
        } catch (MalformedJsonException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }

    public static void write(OutputStream out, Object value) throws IOException {
        MAPPER.writeValue(out, value);
    }

    @FunctionalInterface
    private interface Parse<T> {
        T value() throws IOException;
    }

    /** The value parsed, a JSON {@code null} or a mismatch thrown as {@link MalformedJsonException}. */
    private static <T> T parse(Parse<T> parse) throws IOException {
        try {
            T value = parse.value();
            if (value == null) {
                throw new MalformedJsonException("the body is null, not a JSON object", null);
            }
            return value;
        } catch (JsonMappingException e) {
            throw new MalformedJsonException(describe(e), e);
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** "at builds[0].priority: ..." from Jackson's path, without its class names. */
    private static String describe(JsonMappingException e) {
        StringBuilder where = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!where.isEmpty()) {
                    where.append('.');
                }
                where.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                where.append('[').append(reference.getIndex()).append(']');
            }
        }
        String message = e.getOriginalMessage();
        for (String noise : new String[] {" (through reference chain", " (set DeserializationConfig", "\n at [Source"}) {
            int cut = message.indexOf(noise);
            if (cut > 0) {
                message = message.substring(0, cut);
            }
        }
        message = message.replaceAll("`[a-z]+(\\.[A-Za-z0-9_$]+)+`", "value").replaceAll("\\s+", " ");
        return where.isEmpty() ? "wrong JSON: " + message : "wrong JSON at " + where + ": " + message;
    }

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(value.toString());
        }
    }

    /** Only a string, and only ISO-8601 in UTC: a number of seconds or a local time is refused. */
    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            String text = parser.getText();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw context.weirdStringException(text, Instant.class, "not an ISO-8601 instant such as 2026-11-22T02:10:01Z");
            }
        }
    }
}
