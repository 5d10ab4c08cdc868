package dev.kiln.protocol;

import java.util.List;

/** {@code POST /agent/v1/builds/{id}/success}. */
public record SuccessBody(List<UploadedOutput> outputs) {
}
