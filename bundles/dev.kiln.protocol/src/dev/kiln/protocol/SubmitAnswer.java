package dev.kiln.protocol;

import java.util.List;

/** The answer to a submit, one result a build in the order asked. */
public record SubmitAnswer(List<SubmitResult> results) {
}
