package dev.kiln.hooks.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.kiln.api.Build;
import dev.kiln.api.Tag;

/**
 * The tags hooks gave to builds. The coordinator's API has no way to change the tags of an existing build, so they
 * are kept here, in an append-only file (one {@code build-id key=value} line each, forced to disk), and merged into
 * the builds hooks read through the farm.
 */
final class BuildTags implements AutoCloseable {

    private final FileChannel log;
    /** Guarded by {@code this}. */
    private final Map<UUID, Map<String, String>> tags = new HashMap<>();

    BuildTags(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    Tag tag = Tag.parse(line.substring(space + 1));
                    tags.computeIfAbsent(UUID.fromString(line.substring(0, space)), id -> new TreeMap<>())
                            .put(tag.key(), tag.value());
                }
            }
        }
        this.log = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    /** Records a tag; nothing is written when the build has it already. */
    synchronized void add(UUID buildId, Tag tag) throws IOException {
        Map<String, String> ofBuild = tags.computeIfAbsent(buildId, id -> new TreeMap<>());
        if (tag.value().equals(ofBuild.get(tag.key()))) {
            return;
        }
        ByteBuffer line = ByteBuffer.wrap((buildId + " " + tag + "\n").getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) {
            log.write(line);
        }
        log.force(false);
        ofBuild.put(tag.key(), tag.value());
    }

    /** The build with the tags hooks gave it, which replace its own tags of the same keys. */
    synchronized Build merge(Build build) {
        Map<String, String> added = tags.get(build.id());
        if (added == null || added.isEmpty()) {
            return build;
        }
        Set<Tag> merged = build.tags().stream().filter(tag -> !added.containsKey(tag.key()))
                .collect(Collectors.toCollection(TreeSet::new));
        added.forEach((key, value) -> merged.add(new Tag(key, value)));
        return new Build(build.id(), build.sequence(), build.derivationPath(), build.system(), build.priority(),
                merged, build.requiredAgentTags(), build.state(), build.submittedAt(), build.stateChangedAt(),
                build.startedAt(), build.finishedAt(), build.agentId(), build.setupFailureCount(),
                build.deferUntil());
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }
}
