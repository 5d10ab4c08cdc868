package dev.kiln.store;

/**
 * How a content-addressed store path was made, in the form of a narinfo's
 * {@code CA} field: {@code text:sha256:<base32>} for text files such as
 * {@code .drv} files, {@code fixed:[r:]<algorithm>:<base32>} for fixed-output
 * results and added sources.
 */
public sealed interface ContentAddress {

    /** @return the hash of the content */
    Hash hash();

    /** @return the textual form, as Nix writes it */
    String render();

    /**
     * A text file, hashed with SHA-256 over its bytes.
     *
     * @param hash the SHA-256 of the text
     */
    record Text(Hash hash) implements ContentAddress {
        /** Requires a SHA-256 hash, the only kind Nix accepts for text. */
        public Text {
            if (hash.algorithm() != HashAlgorithm.SHA256) {
                throw new IllegalArgumentException("a text content address needs a sha256 hash, not " + hash.algorithm().nixName());
            }
        }

        @Override
        public String render() {
            return "text:" + hash.toPrefixedBase32();
        }
    }

    /**
     * A fixed-output result or an added source.
     *
     * @param method whether the hash covers a flat file or a NAR
     * @param hash   the hash of the content
     */
    record Fixed(FileIngestionMethod method, Hash hash) implements ContentAddress {
        @Override
        public String render() {
            return "fixed:" + method.prefix() + hash.toPrefixedBase32();
        }
    }

    /**
     * Parses the textual form.
     *
     * @param text such as {@code fixed:r:sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s}
     * @return the content address
     * @throws IllegalArgumentException if the text is not a content address
     */
    static ContentAddress parse(String text) {
        if (text.startsWith("text:")) {
            return new Text(Hash.parse(text.substring("text:".length())));
        }
        if (text.startsWith("fixed:r:")) {
            return new Fixed(FileIngestionMethod.RECURSIVE, Hash.parse(text.substring("fixed:r:".length())));
        }
        if (text.startsWith("fixed:")) {
            return new Fixed(FileIngestionMethod.FLAT, Hash.parse(text.substring("fixed:".length())));
        }
        throw new IllegalArgumentException("'" + text + "' is not a content address (text:... or fixed:...)");
    }
}
