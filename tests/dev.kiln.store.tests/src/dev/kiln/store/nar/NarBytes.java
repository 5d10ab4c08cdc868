package dev.kiln.store.nar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds NAR bytes token by token, so that tests can write archives a file tree never produces. */
final class NarBytes {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    /** @return a NAR that starts with the magic string */
    static NarBytes archive() {
        return new NarBytes().string("nix-archive-1");
    }

    NarBytes string(String value) {
        return string(value.getBytes(StandardCharsets.UTF_8));
    }

    NarBytes string(byte[] value) {
        number(value.length);
        bytes.writeBytes(value);
        bytes.writeBytes(new byte[(8 - value.length % 8) % 8]);
        return this;
    }

    NarBytes number(long value) {
        for (int i = 0; i < 8; i++) {
            bytes.write((int) (value >>> (8 * i)));
        }
        return this;
    }

    NarBytes strings(String... values) {
        for (String value : values) {
            string(value);
        }
        return this;
    }

    NarBytes file(String contents) {
        return strings("(", "type", "regular", "contents").string(contents).string(")");
    }

    NarBytes entry(String name) {
        return strings("entry", "(", "name", name, "node");
    }

    NarBytes raw(byte[] raw) {
        bytes.writeBytes(raw);
        return this;
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
