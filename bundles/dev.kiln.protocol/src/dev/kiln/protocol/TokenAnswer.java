package dev.kiln.protocol;

/** A new client API token, shown once. */
public record TokenAnswer(String token) {
}
