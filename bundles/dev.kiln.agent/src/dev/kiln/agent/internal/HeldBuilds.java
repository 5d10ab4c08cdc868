package dev.kiln.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.kiln.agent.internal.CoordinatorConnection.AllocatedBuild;

/**
 * The builds this agent holds, on disk, so that after a crash it knows what to reconcile with the coordinator: a
 * file per build, written when it is fetched and deleted once its result is reported or it is handed back.
 */
final class HeldBuilds {

    private final Path directory;

    HeldBuilds(Path stateDirectory) throws IOException {
        this.directory = Files.createDirectories(stateDirectory.resolve("held"));
    }

    void hold(AllocatedBuild build) throws IOException {
        Path temporary = Files.createTempFile(directory, ".held-", ".tmp");
        Files.writeString(temporary, build.drvPath() + "\n" + build.system() + "\n" + build.derivationText(),
                StandardCharsets.UTF_8);
        Files.move(temporary, directory.resolve(build.id().toString()), StandardCopyOption.ATOMIC_MOVE);
    }

    void release(UUID build) throws IOException {
        Files.deleteIfExists(directory.resolve(build.toString()));
    }

    /** @return the builds held when the agent last stopped */
    List<AllocatedBuild> held() throws IOException {
        List<AllocatedBuild> builds = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*-*-*-*-*")) {
            for (Path file : files) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int first = text.indexOf('\n');
                int second = text.indexOf('\n', first + 1);
                builds.add(new AllocatedBuild(UUID.fromString(file.getFileName().toString()), text.substring(0, first),
                        text.substring(second + 1), text.substring(first + 1, second)));
            }
        }
        return builds;
    }
}
