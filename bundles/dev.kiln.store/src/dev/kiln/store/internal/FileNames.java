package dev.kiln.store.internal;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Converts between the bytes of file names, as NAR archives hold them, and
 * Java paths. The JDK decodes file names with the platform's file name
 * encoding ({@code sun.jnu.encoding}, set by the locale); a name that this
 * encoding cannot represent exactly is refused rather than archived wrongly.
 */
public final class FileNames {

    /** The encoding the JDK uses for file names on this platform. */
    public static final Charset ENCODING = platformEncoding();

    private FileNames() {
    }

    private static Charset platformEncoding() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /**
     * Returns the exact bytes of the last name of a path found by listing a
     * directory.
     *
     * @param child a path whose last element came from a directory listing
     * @return the bytes of that name
     * @throws IOException if the platform encoding cannot represent the name exactly
     */
    public static byte[] nameBytes(Path child) throws IOException {
        String name = child.getFileName().toString();
        boolean exact;
        try {
            // Paths compare by their raw bytes, so this detects a lossy decoding.
            exact = child.resolveSibling(name).equals(child);
        } catch (InvalidPathException e) {
            exact = false;
        }
        if (!exact) {
            throw new IOException("the name of " + child + " cannot be represented exactly in the file name encoding "
                    + ENCODING + "; run with a UTF-8 locale (such as LANG=C.UTF-8)");
        }
        return name.getBytes(ENCODING);
    }

    /**
     * Returns the exact bytes of a symbolic link's target.
     *
     * @param link   the link, for messages
     * @param target the target as the JDK read it
     * @return the bytes of the target
     * @throws IOException if the platform encoding could not decode the target
     */
    public static byte[] targetBytes(Path link, Path target) throws IOException {
        String text = target.toString();
        if (text.indexOf('\uFFFD') >= 0) {
            throw new IOException("the target of the link " + link + " cannot be represented exactly in the file name encoding "
                    + ENCODING + "; run with a UTF-8 locale (such as LANG=C.UTF-8)");
        }
        return text.getBytes(ENCODING);
    }
}
