package dev.kiln.hooks.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.kiln.api.InvalidRequestException;

/**
 * The configurations operators gave hook bundles at run time, one file {@code <pid>.properties} each in the hooks'
 * state directory, handed to Configuration Admin when they change and again when the coordinator starts (its
 * framework keeps no configuration from one run to the next).
 */
final class HookConfigurations {

    private static final Pattern PID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,200}");
    private static final String SUFFIX = ".properties";

    private final Path directory;
    private final ConfigurationAdmin admin;

    HookConfigurations(Path directory, ConfigurationAdmin admin) {
        this.directory = directory;
        this.admin = admin;
    }

    /** Hands every kept configuration to Configuration Admin. */
    void applyAll() throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                String name = file.getFileName().toString();
                String pid = name.substring(0, name.length() - SUFFIX.length());
                apply(pid, read(pid));
            }
        }
    }

    /** The kept configuration of {@code pid} with the changes (an empty value removes its key), kept and applied. */
    synchronized Map<String, String> change(String pid, Map<String, String> changes) throws IOException {
        if (!PID.matcher(pid).matches()) {
            throw new InvalidRequestException("not a configuration PID Kiln keeps: " + pid);
        }
        Map<String, String> properties = read(pid);
        if (changes.isEmpty()) {
            return properties;
        }
        changes.forEach((key, value) -> {
            if (key == null || key.isBlank() || key.equals("service.pid")) {
                throw new InvalidRequestException("not a property a hook can be given: '" + key + "'");
            }
            if (value == null || value.isEmpty()) {
                properties.remove(key);
            } else {
                properties.put(key, value);
            }
        });
        Properties file = new Properties();
        file.putAll(properties);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        file.store(bytes, "set by kiln hook configure");
        Files.createDirectories(directory);
        AtomicFiles.write(directory.resolve(pid + SUFFIX), bytes.toByteArray());
        apply(pid, properties);
        return properties;
    }

    private Map<String, String> read(String pid) throws IOException {
        Path file = directory.resolve(pid + SUFFIX);
        Map<String, String> properties = new TreeMap<>();
        if (Files.exists(file)) {
            Properties loaded = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                loaded.load(in);
            }
            loaded.stringPropertyNames().forEach(key -> properties.put(key, loaded.getProperty(key)));
        }
        return properties;
    }

    private void apply(String pid, Map<String, String> properties) throws IOException {
        Configuration configuration = admin.getConfiguration(pid, "?");
        Dictionary<String, Object> values = new Hashtable<>(properties);
        configuration.update(values);
    }
}
