package dev.kiln.ci.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.kiln.api.Tag;
import dev.kiln.ci.Channel;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.JobsetService;
import dev.kiln.store.StoreDir;
import dev.kiln.testing.RealNix;

/** Git repositories made by the tests, evaluated by the real {@code nix-instantiate} into the test's store. */
final class CiFixtures {

    static final Duration EVALUATION_TIMEOUT = Duration.ofSeconds(90);
    private static final String EXPRESSION = """
            let
              mk = name: text: derivation {
                inherit name;
                system = builtins.currentSystem;
                builder = "/bin/sh";
                args = [ "-c" "echo ${text} > $out" ];
              };
            in { a = mk "a" "%s"; b = mk "b" "%s"; }
            """;

    private final RealNix nix;
    private final Path repositories;

    CiFixtures(RealNix nix, Path repositories) {
        this.nix = nix;
        this.repositories = repositories;
    }

    Jobset jobset(String name, Path repository, String command, int priority) {
        return new Jobset(name, List.of(new Channel("src", repository.toString(), "main")), command,
                StoreDir.NIX.path(), nix.chrootStoreFiles(StoreDir.NIX).toString(), Duration.ZERO, priority,
                Set.of(new Tag("team", "ci")), true, 1000, false);
    }

    /** The evaluation command: the real nix-instantiate, offline, writing into the test's store. */
    String nixInstantiate() {
        String exports = nix.environment().entrySet().stream()
                .map(variable -> "export " + variable.getKey() + "='" + variable.getValue() + "';")
                .collect(Collectors.joining(" "));
        return exports + " nix-instantiate --store '" + nix.chrootStore(StoreDir.NIX) + "' release.nix";
    }

    /** A repository at {@code <repositories>/<name>} whose branch main has one commit of derivations a and b. */
    Path gitRepository(String name, String a, String b) throws IOException, InterruptedException {
        Path repository = Files.createDirectories(repositories.resolve(name));
        git(repository, "init", "-q", "-b", "main");
        commit(repository, a, b);
        return repository;
    }

    /** Commits new texts of a and b on the branch checked out; returns the commit. */
    String commit(Path repository, String a, String b) throws IOException, InterruptedException {
        Files.writeString(repository.resolve("release.nix"), EXPRESSION.formatted(a, b));
        git(repository, "add", "release.nix");
        git(repository, "-c", "user.name=Kiln Tests", "-c", "user.email=tests@kiln.invalid", "commit", "-q", "-m", a + " " + b);
        return git(repository, "rev-parse", "HEAD").strip();
    }

    String git(Path repository, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
        command.addAll(List.of(arguments));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(git.getInputStream().readAllBytes());
        assertEquals(0, git.waitFor(), "git " + String.join(" ", arguments) + ": " + output);
        return output;
    }

    /** Waits until the jobset has this many finished evaluations; returns them newest first. */
    static List<Evaluation> awaitEvaluations(JobsetService jobsets, String jobset, int count) throws InterruptedException {
        long deadline = System.nanoTime() + EVALUATION_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Evaluation> finished = jobsets.evaluations(jobset).stream()
                    .filter(evaluation -> evaluation.status() != EvaluationStatus.RUNNING)
                    .toList();
            if (finished.size() >= count) {
                return finished;
            }
            Thread.sleep(100);
        }
        fail("jobset " + jobset + " did not finish " + count + " evaluation(s) within " + EVALUATION_TIMEOUT.toSeconds()
                + " s: " + jobsets.evaluations(jobset));
        return List.of();
    }
}
