package dev.kiln.protocol;

import java.util.List;

/**
 * {@code POST /webhook}: what a forge's delivery did. {@code forge} is {@code github}, {@code gitea} or
 * {@code gitlab}; {@code event} is {@code push}, {@code pull-request-opened}, {@code pull-request-updated},
 * {@code pull-request-closed} or the forge's name of an event not acted on; {@code jobsets} those it touched.
 */
public record WebhookAnswer(String forge, String event, List<String> jobsets) {
}
