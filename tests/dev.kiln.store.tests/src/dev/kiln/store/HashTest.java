package dev.kiln.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HashTest {

    /** The hashes of "abc" as nix-hash --flat prints them in base 16 and base 32, and nix hash file --sri. */
    @ParameterizedTest
    @CsvSource({
        "MD5, 900150983cd24fb0d6963f7d28e17f72, 3jgzhjhz9zjvbb0kyj7jc500ch, md5-kAFQmDzST7DWlj99KOF/cg==",
        "SHA1, a9993e364706816aba3e25717850c26c9cd0d89d, kpcd173cq987hw957sx6m0868wv3x6d9, sha1-qZk+NkcGgWq6PiVxeFDCbJzQ2J0=",
        "SHA256, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,"
                + " 1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s, sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
        "SHA512, ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f,"
                + " 2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly1ai7xac99vxfc4ii84hawjbk876blyk1jfhkbbyx,"
                + " sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==",
    })
    void writesAndParsesEveryFormAsNix(HashAlgorithm algorithm, String base16, String base32, String sri) {
        Hash hash = Hash.of(algorithm, "abc");

        assertEquals(base16, hash.toBase16());
        assertEquals(base32, hash.toBase32());
        assertEquals(sri, hash.toSri());
        assertEquals(algorithm.nixName() + ":" + base32, hash.toString());
        assertEquals(hash, Hash.parse(sri));
        assertEquals(hash, Hash.parse(algorithm.nixName() + ":" + base16));
        assertEquals(hash, Hash.parse(algorithm.nixName() + ":" + base32));
        assertEquals(hash, Hash.parse(algorithm.nixName() + ":" + hash.toBase64()));
        assertEquals(hash, Hash.parse(base16, algorithm));
        assertEquals(hash, Hash.parse(base32, algorithm));
        assertEquals(hash, Hash.parse(hash.toBase64(), algorithm));
        assertEquals(hash, Hash.parse(sri, algorithm));
        assertEquals(hash, Hash.parse(base16.toUpperCase(), algorithm));
    }

    @Test
    void refusesHashesThatAreNotWhatTheyClaim() {
        assertThrows(IllegalArgumentException.class, () -> Hash.parse("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        assertThrows(IllegalArgumentException.class, () -> Hash.parse("sha3:abcd"));
        assertThrows(IllegalArgumentException.class, () -> Hash.parse("sha256:abcd"));
        assertThrows(IllegalArgumentException.class, () -> Hash.parse("sha256:" + "g".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> Hash.parse("sha256-!!!!" + "A".repeat(40)));
        IllegalArgumentException wrongAlgorithm = assertThrows(IllegalArgumentException.class,
                () -> Hash.parse("md5:900150983cd24fb0d6963f7d28e17f72", HashAlgorithm.SHA256));
        assertTrue(wrongAlgorithm.getMessage().contains("not a sha256 hash"), wrongAlgorithm.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Hash(HashAlgorithm.SHA1, new byte[32]));
    }

    @Test
    void isAnImmutableValue() {
        byte[] bytes = HexFormat.of().parseHex("900150983cd24fb0d6963f7d28e17f72");
        Hash hash = new Hash(HashAlgorithm.MD5, bytes);
        bytes[0] = 0;
        hash.bytes()[1] = 0;
        assertEquals("900150983cd24fb0d6963f7d28e17f72", hash.toBase16());
        assertEquals(Hash.of(HashAlgorithm.MD5, "abc"), hash);
        assertEquals(Hash.of(HashAlgorithm.MD5, "abc").hashCode(), hash.hashCode());
        assertNotEquals(Hash.of(HashAlgorithm.MD5, "abd"), hash);
    }

    @Test
    void compressesByFoldingWithXor() {
        byte[] bytes = new byte[32];
        bytes[0] = 0x0f;
        bytes[20] = (byte) 0xf1;
        bytes[31] = 0x22;
        byte[] folded = new Hash(HashAlgorithm.SHA256, bytes).compress(20);
        byte[] expected = new byte[20];
        expected[0] = (byte) 0xfe;
        expected[11] = 0x22;
        assertArrayEquals(expected, folded);
    }
}
