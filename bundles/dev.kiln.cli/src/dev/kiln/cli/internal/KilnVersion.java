package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import picocli.CommandLine.IVersionProvider;

/**
 * The version of the {@code dev.kiln.cli} bundle, read from its manifest: the same answer inside the framework and on
 * the plain class path that client commands run on.
 */
final class KilnVersion implements IVersionProvider {

    private static final String BUNDLE = "dev.kiln.cli";

    @Override
    public String[] getVersion() {
        try {
            Enumeration<URL> manifests = KilnVersion.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                try (InputStream in = manifests.nextElement().openStream()) {
                    Attributes attributes = new Manifest(in).getMainAttributes();
                    String name = attributes.getValue("Bundle-SymbolicName");
                    if (name != null && name.split(";", 2)[0].strip().equals(BUNDLE)) {
                        return new String[] {"kiln " + attributes.getValue("Bundle-Version")};
                    }
                }
            }
            return new String[] {"kiln (no " + BUNDLE + " manifest found: version unknown)"};
        } catch (IOException e) {
            return new String[] {"kiln (the " + BUNDLE + " manifest cannot be read: " + e.getMessage() + ")"};
        }
    }
}
