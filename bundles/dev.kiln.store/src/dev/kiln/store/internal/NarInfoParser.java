package dev.kiln.store.internal;

import dev.kiln.store.ContentAddress;
import dev.kiln.store.Hash;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.narinfo.NarInfo;
import dev.kiln.store.narinfo.NarInfoFormatException;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Parses narinfo texts; see {@link NarInfo#parse(StoreDir, String)}. One
 * instance per store directory; instances hold no state between calls.
 */
public final class NarInfoParser {

    private final StoreDir storeDir;

    /**
     * @param storeDir the store directory the paths must be in
     */
    public NarInfoParser(StoreDir storeDir) {
        this.storeDir = storeDir;
    }

    /**
     * @param text a narinfo text
     * @return the narinfo
     * @throws NarInfoFormatException naming the field that is missing or malformed
     */
    public NarInfo parse(String text) throws NarInfoFormatException {
        StorePath storePath = null;
        String url = null;
        String compression = null;
        Optional<Hash> fileHash = Optional.empty();
        OptionalLong fileSize = OptionalLong.empty();
        Hash narHash = null;
        Long narSize = null;
        SortedSet<StorePath> references = new TreeSet<>();
        Optional<StorePath> deriver = Optional.empty();
        SortedSet<String> sigs = new TreeSet<>();
        Optional<ContentAddress> ca = Optional.empty();
        Set<String> seen = new HashSet<>();
        int lineNumber = 0;
        int position = 0;
        while (position < text.length()) {
            lineNumber++;
            int end = text.indexOf('\n', position);
            if (end < 0) {
                throw new NarInfoFormatException("line " + lineNumber + " does not end with a line break");
            }
            String line = text.substring(position, end);
            position = end + 1;
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                throw new NarInfoFormatException("line " + lineNumber + " is not '<Field>: <value>': '" + line + "'");
            }
            String field = line.substring(0, colon);
            String value = line.substring(colon + 2);
            if (!field.equals("Sig") && !seen.add(field)) {
                throw new NarInfoFormatException("the field " + field + " appears twice");
            }
            try {
                switch (field) {
                    case "StorePath" -> storePath = storeDir.parsePath(value);
                    case "URL" -> url = value;
                    case "Compression" -> compression = value;
                    case "FileHash" -> fileHash = Optional.of(Hash.parse(value));
                    case "FileSize" -> fileSize = OptionalLong.of(size(value));
                    case "NarHash" -> narHash = Hash.parse(value);
                    case "NarSize" -> narSize = size(value);
                    case "References" -> {
                        for (String reference : value.split(" ")) {
                            if (!reference.isEmpty()) {
                                references.add(storeDir.parseBaseName(reference));
                            }
                        }
                    }
                    case "Deriver" -> deriver = value.equals("unknown-deriver") ? Optional.empty() : Optional.of(storeDir.parseBaseName(value));
                    case "Sig" -> sigs.add(value);
                    case "CA" -> ca = Optional.of(ContentAddress.parse(value));
                    default -> {
                        // Nix ignores fields it does not know (System, for one); so does Kiln.
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new NarInfoFormatException("invalid " + field + " on line " + lineNumber + ": " + e.getMessage(), e);
            }
        }
        require(storePath, "StorePath");
        require(url, "URL");
        require(narHash, "NarHash");
        require(narSize, "NarSize");
        try {
            return new NarInfo(storePath, url, compression == null ? "bzip2" : compression, fileHash, fileSize, narHash, narSize,
                    references, deriver, sigs, ca);
        } catch (IllegalArgumentException e) {
            throw new NarInfoFormatException("invalid narinfo for " + storePath + ": " + e.getMessage(), e);
        }
    }

    private static long size(String value) {
        try {
            long size = Long.parseLong(value);
            if (size < 0 || !value.equals(Long.toString(size))) {
                throw new IllegalArgumentException("'" + value + "' is not a size in bytes");
            }
            return size;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a size in bytes", e);
        }
    }

    private static void require(Object value, String field) throws NarInfoFormatException {
        if (value == null) {
            throw new NarInfoFormatException("the required field " + field + " is missing");
        }
    }
}
