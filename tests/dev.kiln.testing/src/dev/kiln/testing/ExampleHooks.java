package dev.kiln.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The example hook bundles as the reactor built them, for tests that deploy hooks. The test's pom passes their
 * folder as the system property {@value #DIRECTORY_PROPERTY} (the reactor's {@code bundles/}).
 */
public final class ExampleHooks {

    public static final String DIRECTORY_PROPERTY = "kiln.hooks.examples.dir";

    private ExampleHooks() {
    }

    /**
     * @param name {@code tagger} or {@code webhook}
     * @return the jar of {@code dev.kiln.hooks.example.<name>}
     */
    public static Path jar(String name) throws IOException {
        String directory = System.getProperty(DIRECTORY_PROPERTY);
        if (directory == null) {
            throw new IOException("the system property " + DIRECTORY_PROPERTY + " does not name the built bundles");
        }
        String bundle = "dev.kiln.hooks.example." + name;
        Path target = Path.of(directory, bundle, "target");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, bundle + "-*.jar")) {
            for (Path jar : jars) {
                if (!jar.getFileName().toString().endsWith("-sources.jar")) {
                    return jar;
                }
            }
        }
        throw new IOException("the example hook " + name + " is not built in " + target);
    }

    /** Copies a bundle jar with another Bundle-Version: a changed version of the same hook. */
    public static void withVersion(Path jar, Path copy, String version) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (OutputStream file = Files.newOutputStream(copy); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
    }
}
