package dev.kiln.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NixBase32Test {

    @Test
    void alphabetHasThirtyTwoDigitsWithoutEOUT() {
        assertEquals(32, NixBase32.ALPHABET.length());
        assertEquals(32, NixBase32.ALPHABET.chars().distinct().count());
        for (char excluded : "eout".toCharArray()) {
            assertFalse(NixBase32.isDigit(excluded), "'" + excluded + "' is excluded");
        }
        assertTrue(NixBase32.isDigit('m'));
    }

    /** Values printed by nix-hash --flat --base32 and nix-hash --flat. */
    @ParameterizedTest
    @CsvSource({
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, 0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad, 1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
        "900150983cd24fb0d6963f7d28e17f72, 3jgzhjhz9zjvbb0kyj7jc500ch",
        "a9993e364706816aba3e25717850c26c9cd0d89d, kpcd173cq987hw957sx6m0868wv3x6d9",
    })
    void encodesAndDecodesAsNix(String base16, String base32) {
        byte[] bytes = HexFormat.of().parseHex(base16);
        assertEquals(base32, NixBase32.encode(bytes));
        assertArrayEquals(bytes, NixBase32.decode(base32, bytes.length));
    }

    @Test
    void decodingInvertsEncodingForEveryLength() {
        Random random = new Random(42);
        for (int length = 0; length <= 70; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            String encoded = NixBase32.encode(bytes);
            assertEquals(NixBase32.encodedLength(length), encoded.length());
            assertArrayEquals(bytes, NixBase32.decode(encoded, length));
        }
    }

    @Test
    void refusesWrongLengthForeignCharactersAndExcessBits() {
        IllegalArgumentException wrongLength = assertThrows(IllegalArgumentException.class, () -> NixBase32.decode("abc", 20));
        assertTrue(wrongLength.getMessage().contains("must have 32 characters"), wrongLength.getMessage());
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> NixBase32.decode("e".repeat(32), 20));
        assertTrue(foreign.getMessage().contains("'e' is not a nix-base32 digit"), foreign.getMessage());
        // 52 characters hold 260 bits; a SHA-256 has 256, so the first character must be below 16.
        IllegalArgumentException excess = assertThrows(IllegalArgumentException.class,
                () -> NixBase32.decode("z" + "0".repeat(51), 32));
        assertTrue(excess.getMessage().contains("bits beyond"), excess.getMessage());
    }
}
