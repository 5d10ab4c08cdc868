package dev.kiln.store.derivation;

/**
 * A {@code .drv} text that is not a derivation as Nix writes it. The message
 * says what is wrong and, for syntax errors, at which byte.
 */
public class DerivationFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong
     */
    public DerivationFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause   the underlying error
     */
    public DerivationFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
