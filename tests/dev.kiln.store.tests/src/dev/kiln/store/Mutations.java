package dev.kiln.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random edits of byte arrays, biased towards the bytes that structure ATerm and NAR data. */
public final class Mutations {

    private static final byte[] INTERESTING = "\"\\(),[]:/-\n\0".getBytes(StandardCharsets.ISO_8859_1);

    private Mutations() {
    }

    /**
     * @param original the bytes to start from; not changed
     * @param random   the source of randomness, seeded by the caller for replay
     * @param edits    how many edits to make
     * @return the mutated copy
     */
    public static byte[] mutate(byte[] original, Random random, int edits) {
        List<Byte> bytes = new ArrayList<>(original.length + 16);
        for (byte b : original) {
            bytes.add(b);
        }
        for (int edit = 0; edit < edits; edit++) {
            int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size());
            switch (random.nextInt(7)) {
                case 0 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, (byte) (bytes.get(at) ^ (1 << random.nextInt(8))));
                    }
                }
                case 1 -> {
                    if (!bytes.isEmpty()) {
                        bytes.set(at, INTERESTING[random.nextInt(INTERESTING.length)]);
                    }
                }
                case 2 -> bytes.add(at, (byte) random.nextInt(256));
                case 3 -> {
                    int length = Math.min(bytes.size() - at, 1 + random.nextInt(16));
                    bytes.subList(at, at + length).clear();
                }
                case 4 -> {
                    int length = Math.min(bytes.size() - at, 1 + random.nextInt(64));
                    bytes.addAll(at, new ArrayList<>(bytes.subList(at, at + length)));
                }
                case 5 -> bytes.subList(at, bytes.size()).clear();
                default -> {
                    if (bytes.size() > 1) {
                        int other = random.nextInt(bytes.size());
                        Byte swapped = bytes.get(at);
                        bytes.set(at, bytes.get(other));
                        bytes.set(other, swapped);
                    }
                }
            }
        }
        byte[] result = new byte[bytes.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = bytes.get(i);
        }
        return result;
    }

    /**
     * @param bytes any bytes
     * @return them as text, one character a byte, for failure messages
     */
    public static String show(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
