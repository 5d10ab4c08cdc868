package dev.kiln.protocol;

/** How many things an action touched, such as the builds an evaluation's cancel stopped. */
public record CountAnswer(int count) {
}
