package dev.kiln.hooks.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.BuildService;
import dev.kiln.api.KilnException;
import dev.kiln.api.NotFoundException;
import dev.kiln.api.Tag;

/**
 * The file where an earlier Kiln kept the tags hooks gave to builds (one {@code build-id key=value} line each),
 * before builds could be tagged in the datastore. At start its tags are given to the builds, and the file is
 * renamed so that it is read once.
 */
final class LegacyBuildTags {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyBuildTags.class);

    private LegacyBuildTags() {
    }

    static void moveToBuilds(Path file, BuildService builds) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        Map<UUID, Map<String, String>> byBuild = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int space = line.indexOf(' ');
            try {
                Tag tag = Tag.parse(line.substring(space + 1));
                byBuild.computeIfAbsent(UUID.fromString(line.substring(0, Math.max(0, space))),
                        id -> new TreeMap<>()).put(tag.key(), tag.value());
            } catch (IllegalArgumentException | KilnException e) {
                LOG.warn("Skipping the line '{}' of {}: {}", line, file, e.getMessage());
            }
        }
        byBuild.forEach((buildId, tags) -> {
            try {
                builds.tag(buildId, tags.entrySet().stream().map(e -> new Tag(e.getKey(), e.getValue()))
                        .collect(Collectors.toSet()), Set.of());
            } catch (NotFoundException e) {
                LOG.info("The tags hooks gave to build {} are dropped: the build is gone", buildId);
            }
        });
        Files.move(file, file.resolveSibling(file.getFileName() + ".moved"), StandardCopyOption.REPLACE_EXISTING);
        LOG.info("Moved the tags hooks gave to {} builds from {} to the builds", byBuild.size(), file);
    }
}
