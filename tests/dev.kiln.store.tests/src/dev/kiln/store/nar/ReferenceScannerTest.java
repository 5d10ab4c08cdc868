package dev.kiln.store.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.store.NixBase32;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ReferenceScannerTest {

    private static final StorePath GLIBC = StoreDir.NIX.parseBaseName("0mdqa9w1p6cmli6976v4wi0sw9r4p5pr-glibc-2.37");
    private static final StorePath BASH = StoreDir.NIX.parseBaseName("1b8m03r63zqhnjf7l5wnldhh7c134ap5-bash-5.2");
    private static final StorePath ABSENT = StoreDir.NIX.parseBaseName("kpcd173cq987hw957sx6m0868wv3x6d9-absent");

    @Test
    void findsTheHashPartsThatOccurAndPassesTheBytesOn() throws IOException {
        byte[] data = ("#!" + BASH + "/bin/sh\nexec " + GLIBC.hashPart() + " " + ABSENT.hashPart().substring(1) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream passedOn = new ByteArrayOutputStream();
        ReferenceScanner scanner = new ReferenceScanner(List.of(GLIBC, BASH, ABSENT), passedOn);

        scanner.write(data);

        assertEquals(new TreeSet<>(Set.of(GLIBC, BASH)), scanner.references());
        assertArrayEquals(data, passedOn.toByteArray());
    }

    @Test
    void findsHashesSplitAcrossWritesOfAnySize() throws IOException {
        Random random = new Random(11);
        List<StorePath> candidates = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            candidates.add(StoreDir.NIX.parseBaseName(randomHash(random) + "-p" + i));
        }
        for (int round = 0; round < 200; round++) {
            byte[] data = new byte[random.nextInt(2000) + 1];
            for (int i = 0; i < data.length; i++) {
                // Mostly base-32 characters, so that windows often get far before failing.
                data[i] = random.nextInt(10) == 0 ? (byte) random.nextInt(256) : (byte) NixBase32.ALPHABET.charAt(random.nextInt(32));
            }
            Set<StorePath> planted = new TreeSet<>();
            for (int k = random.nextInt(4); k > 0; k--) {
                StorePath candidate = candidates.get(random.nextInt(candidates.size()));
                int at = random.nextInt(Math.max(1, data.length - 32));
                if (at + 32 <= data.length) {
                    System.arraycopy(candidate.hashPart().getBytes(StandardCharsets.US_ASCII), 0, data, at, 32);
                }
            }
            for (StorePath candidate : candidates) {
                if (new String(data, StandardCharsets.ISO_8859_1).contains(candidate.hashPart())) {
                    planted.add(candidate);
                }
            }
            ReferenceScanner scanner = new ReferenceScanner(candidates, OutputStream.nullOutputStream());
            for (int offset = 0; offset < data.length; ) {
                int length = Math.min(data.length - offset, random.nextInt(40) + 1);
                scanner.write(data, offset, length);
                offset += length;
            }
            assertEquals(planted, scanner.references(), "round " + round);
        }
    }

    private static String randomHash(Random random) {
        StringBuilder hash = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            hash.append(NixBase32.ALPHABET.charAt(random.nextInt(32)));
        }
        return hash.toString();
    }
}
