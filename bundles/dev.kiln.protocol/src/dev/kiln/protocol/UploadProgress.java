package dev.kiln.protocol;

/** How many bytes of an output upload the coordinator holds. */
public record UploadProgress(long received) {
}
