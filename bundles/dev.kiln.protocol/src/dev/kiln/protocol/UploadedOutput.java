package dev.kiln.protocol;

import java.util.List;

/** An output the agent uploaded: the NAR's hash and size, and the compressed file's. */
public record UploadedOutput(String name, String path, String narHash, long narSize, List<String> references, String fileHash, long fileSize) {
}
