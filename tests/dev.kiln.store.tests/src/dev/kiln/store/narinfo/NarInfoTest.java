package dev.kiln.store.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.store.ContentAddress;
import dev.kiln.store.Hash;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Narinfo files and keys made by Nix 2.8 (nix-store --generate-binary-cache-key, nix store sign, nix copy --to file://). */
class NarInfoTest {

    static final String NIX_SECRET_KEY =
            "kiln-test-1:dqhHZMUhBiBIu70tgDEAVXRUP+nvy7dlfE87oru/wLfU4zfdMXG35AVBYQz3SMll9yxvDmck1qk4AOOfgO36Xg==";
    static final String NIX_PUBLIC_KEY = "kiln-test-1:1OM33TFxt+QFQWEM90jJZfcsbw5nJNapOADjn4Dt+l4=";

    static final String TEXT_WITH_REFERENCE = """
            StorePath: /nix/store/irpkq7jnqcjgc9xzwly98n2hvg7ynlc7-t.txt
            URL: nar/0jkz6dk737q3bf03zpjs2qd9k5421acm2qpcpl6krwk8l5rxqg3w.nar.zst
            Compression: zstd
            FileHash: sha256:0jkz6dk737q3bf03zpjs2qd9k5421acm2qpcpl6krwk8l5rxqg3w
            FileSize: 131
            NarHash: sha256:1knc5im7r62hp79azghx13d9pb2av3mx28zjkndhz6rgy2r27xxw
            NarSize: 168
            References: xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc
            Sig: kiln-test-1:iD5Jrq+06SnlvA7/0g4ZbRYUWPyLUPhq8zofvdJH6GX/PE4F1VbbBoY0134be02168HQXIB7dm7dcMxlPnssAg==
            CA: text:sha256:1f20ka6rx2i09zrivl1mz56qynhx4mh3nrp3lf10zp75rxscw977
            """;

    static final String SOURCE = """
            StorePath: /nix/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc
            URL: nar/0nl2m54r8id60gv6gr79sjcihg6fv5163bvqmfmx42vv0j4j1r55.nar.zst
            Compression: zstd
            FileHash: sha256:0nl2m54r8id60gv6gr79sjcihg6fv5163bvqmfmx42vv0j4j1r55
            FileSize: 90
            NarHash: sha256:1cb00mjyja307rr4ak8hpvh0y83500nshiwgwkkwr3bg8ckm28a1
            NarSize: 120
            References: \nSig: kiln-test-1:/ifCNfwCF2Lzt2d3jd0j4t53bWU+peGbgyV4fj0rGXtXj7unZg8Vbxcp3Hh8lTkkpmzojIDSDsEsFt0dDuiFDw==
            CA: fixed:r:sha256:1cb00mjyja307rr4ak8hpvh0y83500nshiwgwkkwr3bg8ckm28a1
            """;

    @ParameterizedTest
    @ValueSource(strings = {TEXT_WITH_REFERENCE, SOURCE})
    void writesWhatNixWroteByteIdentical(String text) throws Exception {
        assertEquals(text, NarInfo.parse(StoreDir.NIX, text).render());
    }

    @Test
    void readsEveryField() throws Exception {
        NarInfo info = NarInfo.parse(StoreDir.NIX, TEXT_WITH_REFERENCE);

        StorePath abc = StoreDir.NIX.parseBaseName("xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc");
        assertEquals(StoreDir.NIX.parseBaseName("irpkq7jnqcjgc9xzwly98n2hvg7ynlc7-t.txt"), info.storePath());
        assertEquals("nar/0jkz6dk737q3bf03zpjs2qd9k5421acm2qpcpl6krwk8l5rxqg3w.nar.zst", info.url());
        assertEquals("zstd", info.compression());
        assertEquals(Optional.of(Hash.parse("sha256:0jkz6dk737q3bf03zpjs2qd9k5421acm2qpcpl6krwk8l5rxqg3w")), info.fileHash());
        assertEquals(OptionalLong.of(131), info.fileSize());
        assertEquals(Hash.parse("sha256:1knc5im7r62hp79azghx13d9pb2av3mx28zjkndhz6rgy2r27xxw"), info.narHash());
        assertEquals(168, info.narSize());
        assertEquals(Set.of(abc), info.references());
        assertEquals(Optional.empty(), info.deriver());
        assertEquals(1, info.sigs().size());
        ContentAddress ca = info.ca().orElseThrow();
        assertEquals("1;/nix/store/irpkq7jnqcjgc9xzwly98n2hvg7ynlc7-t.txt;sha256:1knc5im7r62hp79azghx13d9pb2av3mx28zjkndhz6rgy2r27xxw;168;"
                + "/nix/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc", info.fingerprint());
        // The content address and the references give the store path back.
        assertEquals(info.storePath(), StoreDir.NIX.contentAddressedPath("t.txt", ca, info.references(), false));
    }

    @Test
    void verifiesNixSignaturesAndSignsAsNixDoes() throws Exception {
        NarInfo signedByNix = NarInfo.parse(StoreDir.NIX, TEXT_WITH_REFERENCE);
        NixPublicKey nixKey = NixPublicKey.parse(NIX_PUBLIC_KEY);
        NixSecretKey nixSecretKey = NixSecretKey.parse(NIX_SECRET_KEY);
        NarInfo unsigned = new NarInfo(signedByNix.storePath(), signedByNix.url(), signedByNix.compression(), signedByNix.fileHash(),
                signedByNix.fileSize(), signedByNix.narHash(), signedByNix.narSize(), signedByNix.references(), signedByNix.deriver(),
                new TreeSet<>(), signedByNix.ca());

        assertEquals(1, signedByNix.validSignatures(List.of(nixKey)));
        assertEquals(nixKey, nixSecretKey.publicKey());
        // Ed25519 signatures are deterministic: signing the same fingerprint with the same key gives Nix's bytes.
        assertEquals(signedByNix, unsigned.signedWith(nixSecretKey));
        assertEquals(0, unsigned.validSignatures(List.of(nixKey)));
    }

    @Test
    void rejectsSignaturesOfOtherKeysOrOtherContent() throws Exception {
        NarInfo signedByNix = NarInfo.parse(StoreDir.NIX, TEXT_WITH_REFERENCE);
        NixSecretKey otherKey = NixSecretKey.generate("kiln-test-2");
        NixSecretKey impostor = NixSecretKey.generate("kiln-test-1");
        NarInfo tampered = NarInfo.parse(StoreDir.NIX, TEXT_WITH_REFERENCE.replace("NarSize: 168", "NarSize: 169"));

        assertEquals(0, signedByNix.validSignatures(List.of(otherKey.publicKey(), impostor.publicKey())));
        assertEquals(0, tampered.validSignatures(List.of(NixPublicKey.parse(NIX_PUBLIC_KEY))));
        NarInfo signedTwice = signedByNix.signedWith(otherKey);
        assertEquals(2, signedTwice.sigs().size());
        assertEquals(2, signedTwice.validSignatures(List.of(otherKey.publicKey(), NixPublicKey.parse(NIX_PUBLIC_KEY))));
    }

    @Test
    void generatesKeysInNixsFormat() throws Exception {
        NixSecretKey key = NixSecretKey.generate("cache.example.org-1");

        assertTrue(key.toString().matches("cache\\.example\\.org-1:[A-Za-z0-9+/]{86}=="), key.toString());
        assertTrue(key.publicKey().toString().matches("cache\\.example\\.org-1:[A-Za-z0-9+/]{43}="), key.publicKey().toString());
        assertEquals(key, NixSecretKey.parse(key + "\n"));
        String signature = key.sign("message");
        assertTrue(key.publicKey().verify("message", signature));
        assertTrue(!key.publicKey().verify("massage", signature));
        assertTrue(!key.publicKey().verify("message", "other-name" + signature.substring(signature.indexOf(':'))));
    }

    @Test
    void refusesMalformedKeys() {
        NixSecretKey nixKey = assertDoesParse();
        byte[] mismatched = nixKey.bytes();
        mismatched[40] ^= 1;
        String mismatchedText = "kiln-test-1:" + java.util.Base64.getEncoder().encodeToString(mismatched);
        NarInfoFormatException halves = assertThrows(NarInfoFormatException.class, () -> NixSecretKey.parse(mismatchedText));
        assertTrue(halves.getMessage().contains("does not match its seed"), halves.getMessage());
        assertThrows(NarInfoFormatException.class, () -> NixSecretKey.parse("no-colon"));
        assertThrows(NarInfoFormatException.class, () -> NixSecretKey.parse(NIX_PUBLIC_KEY));
        assertThrows(NarInfoFormatException.class, () -> NixPublicKey.parse("name:not base 64!"));
        assertThrows(NarInfoFormatException.class, () -> NixPublicKey.parse(":1OM33TFxt+QFQWEM90jJZfcsbw5nJNapOADjn4Dt+l4="));
    }

    private static NixSecretKey assertDoesParse() {
        try {
            return NixSecretKey.parse(NIX_SECRET_KEY);
        } catch (NarInfoFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsAsNixDoesWhatNixAccepts() throws Exception {
        String minimal = """
                StorePath: /gnu/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc
                URL: nar/x.nar.bz2
                NarHash: sha256:1cb00mjyja307rr4ak8hpvh0y83500nshiwgwkkwr3bg8ckm28a1
                NarSize: 120
                Deriver: unknown-deriver
                System: x86_64-linux
                """;
        NarInfo info = NarInfo.parse(StoreDir.GUIX, minimal);

        assertEquals("bzip2", info.compression());
        assertEquals(Optional.empty(), info.deriver());
        assertEquals(Optional.empty(), info.fileHash());
        assertEquals("""
                StorePath: /gnu/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc
                URL: nar/x.nar.bz2
                Compression: bzip2
                NarHash: sha256:1cb00mjyja307rr4ak8hpvh0y83500nshiwgwkkwr3bg8ckm28a1
                NarSize: 120
                References: \n""", info.render());
    }

    @Test
    void writesTheDeriverAndContentAddress() throws Exception {
        StorePath deriver = StoreDir.NIX.parseBaseName("m1vqkmq29w02xq293xnz83pvw6zjwfpq-abc.drv");
        NarInfo info = NarInfo.of(StoreDir.NIX.parseBaseName("xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc"), "nar/a.nar",
                Hash.parse("sha256:1cb00mjyja307rr4ak8hpvh0y83500nshiwgwkkwr3bg8ckm28a1"), 120, List.of(), Optional.of(deriver));

        String text = info.render();

        assertTrue(text.contains("\nDeriver: m1vqkmq29w02xq293xnz83pvw6zjwfpq-abc.drv\n"), text);
        assertEquals(info, NarInfo.parse(StoreDir.NIX, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "StorePath: /nix/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc\nNarHash: sha256:1cb00mjyja307rr4ak8hpvh0y83500nshiwgwkkwr3bg8ckm28a1\nNarSize: 120\n|the required field URL is missing",
        "URL: x\nNarHash: sha256:1cb00mjyja307rr4ak8hpvh0y83500nshiwgwkkwr3bg8ckm28a1\nNarSize: 120\n|the required field StorePath is missing",
        "StorePath: /nix/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc\nURL: x\nNarHash: sha256:1cb00mjyja307rr4ak8hpvh0y83500nshiwgwkkwr3bg8ckm28a1\nNarSize: -1\n|invalid NarSize on line 4",
        "StorePath: /nix/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc\nURL: x\nURL: y\n|the field URL appears twice",
        "StorePath: /nix/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc\nURL: x\nNarHash: md5:3jgzhjhz9zjvbb0kyj7jc500ch\nNarSize: 1\n|the NAR hash must be a sha256 hash",
        "StorePath: /gnu/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc\n|invalid StorePath on line 1",
        "StorePath /nix/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc\n|line 1 is not '<Field>: <value>'",
        "StorePath: /nix/store/xq90jkvyzvpnsj48nq94im5v2k8qplcy-abc|line 1 does not end with a line break",
        "References: not-a-path\n|invalid References on line 1",
    })
    void refusesMalformedNarInfosSayingWhy(String textAndMessage) {
        String[] parts = textAndMessage.split("\\|");
        NarInfoFormatException error = assertThrows(NarInfoFormatException.class, () -> NarInfo.parse(StoreDir.NIX, parts[0]));
        assertTrue(error.getMessage().contains(parts[1]), error.getMessage());
    }
}
