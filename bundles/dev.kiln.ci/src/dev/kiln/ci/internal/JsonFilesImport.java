package dev.kiln.ci.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kiln.api.datastore.Datastore;
import dev.kiln.api.datastore.EvaluationBuild;
import dev.kiln.api.datastore.StoredEvaluation;
import dev.kiln.api.datastore.StoredJobset;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.Jobset;

/**
 * Moves the jobsets and evaluations that earlier versions kept as JSON files under {@code <state-dir>/ci/} into the
 * datastore, once: in one transaction, after which the files go to {@code ci/imported/}. A jobset or evaluation the
 * datastore has already (an import that a crash cut short after its commit) is left as it is there. The
 * evaluations' logs stay where they are.
 */
final class JsonFilesImport {

    private static final Logger LOG = LoggerFactory.getLogger(JsonFilesImport.class);
    private static final String JSON = ".json";
    private static final String BUILDS = ".builds";

    private JsonFilesImport() {
    }

    /** Imports the files if there are any; returns how many jobsets were imported. */
    static int run(Datastore datastore, Path ciDir) throws IOException {
        Path jobsetDir = ciDir.resolve("jobsets");
        Path evaluationDir = ciDir.resolve("evaluations");
        if (!Files.isDirectory(jobsetDir)) {
            return 0;
        }
        List<Jobset> jobsets = new ArrayList<>();
        for (Path file : files(jobsetDir, JSON)) {
            jobsets.add(JobsetJson.read(Files.readString(file)));
        }
        List<Evaluation> evaluations = new ArrayList<>();
        for (Path file : files(evaluationDir, JSON)) {
            evaluations.add(JobsetJson.mapper().readValue(file.toFile(), Evaluation.class));
        }
        int imported = datastore.write(tx -> {
            Set<String> known = new HashSet<>();
            tx.jobsets().forEach(jobset -> known.add(jobset.name()));
            int count = 0;
            for (Jobset jobset : jobsets) {
                if (known.add(jobset.name())) {
                    tx.saveJobset(new StoredJobset(jobset.name(), JobsetJson.write(jobset)));
                    count++;
                }
            }
            for (Evaluation evaluation : evaluations) {
                if (tx.evaluation(evaluation.id()).isEmpty()) {
                    tx.saveEvaluation(JobsetStore.stored(evaluation));
                    tx.insertEvaluationBuilds(evaluation.id(),
                            readBuilds(evaluationDir.resolve(evaluation.id() + BUILDS)));
                }
            }
            return count;
        });
        Path done = Files.createDirectories(ciDir.resolve("imported"));
        Path doneEvaluations = Files.createDirectories(done.resolve("evaluations"));
        for (Path file : files(evaluationDir, JSON, BUILDS)) {
            Files.move(file, doneEvaluations.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(jobsetDir, done.resolve("jobsets"), StandardCopyOption.REPLACE_EXISTING);
        LOG.info("Imported {} jobsets and {} evaluations from {} into the datastore", imported, evaluations.size(),
                ciDir);
        return imported;
    }

    /** The lines {@code <derivation>\t<build id>} of an evaluation's builds file. */
    private static List<EvaluationBuild> readBuilds(Path file) {
        List<EvaluationBuild> builds = new ArrayList<>();
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int tab = line.indexOf('\t');
                    if (tab > 0) {
                        builds.add(new EvaluationBuild(line.substring(0, tab), UUID.fromString(line.substring(tab + 1))));
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("The builds of {} cannot be read and are not imported: {}", file, e.getMessage());
        }
        return builds;
    }

    private static List<Path> files(Path directory, String... suffixes) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> Stream.of(suffixes).anyMatch(file.getFileName().toString()::endsWith))
                    .sorted().toList();
        }
    }
}
