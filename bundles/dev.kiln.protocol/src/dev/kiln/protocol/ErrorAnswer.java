package dev.kiln.protocol;

/** Every 4xx answer: a short text and what exactly was wrong. */
public record ErrorAnswer(String error, String detail) {
}
