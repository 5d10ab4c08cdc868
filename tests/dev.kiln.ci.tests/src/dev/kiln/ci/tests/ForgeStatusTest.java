package dev.kiln.ci.tests;

import static dev.kiln.ci.tests.CiFixtures.awaitEvaluations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;

import dev.kiln.api.AgentBuildService;
import dev.kiln.api.AgentService;
import dev.kiln.api.Build;
import dev.kiln.api.BuildQuery;
import dev.kiln.api.BuildService;
import dev.kiln.api.Tag;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.Forge;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.JobsetService;
import dev.kiln.ci.PullRequest;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.Services;

/**
 * The statuses of pull requests' evaluations as the forges receive them, on the real coordinator and Derby, with git
 * repositories made by the test and the real {@code nix-instantiate}: a final status that outlives a restart of the
 * coordinator, a bounded number of statuses for failed jobs, GitHub check runs, and a spent rate limit waited out.
 * No forge server can be installed on this machine (Debian has no Forgejo, Gitea or GitLab package, and GitHub is a
 * service): fake forges on 127.0.0.1 ({@link FakeForge}) stand in for their APIs and record what Kiln sends them.
 */
class ForgeStatusTest {

    @TempDir
    static Path temp;

    private static final BundleContext CONTEXT = Services.context(ForgeStatusTest.class);
    private static final List<Configuration> CONFIGURATIONS = new ArrayList<>();
    private static CiFixtures fixtures;
    private static FakeForge github;
    private static FakeForge gitlab;
    private static Map<String, Object> ciProperties;
    private static String state;
    private static JobsetService jobsets;

    @BeforeAll
    static void startCoordinator() throws IOException {
        fixtures = new CiFixtures(RealNix.require(Files.createDirectories(temp.resolve("nix"))), temp.resolve("git"));
        state = Files.createDirectories(temp.resolve("state")).toString();
        github = new FakeForge();
        gitlab = new FakeForge();
        ciProperties = Map.of("state.dir", state, "public.url", "https://kiln.example",
                "github.api.url", github.url().toString(),
                "github.token.file", Files.writeString(temp.resolve("github-token"), "ghs-app-token\n").toString(),
                "github.check.runs", true,
                "gitlab.url", gitlab.url().toString(),
                "gitlab.token.file", Files.writeString(temp.resolve("gitlab-token"), "glpat-token\n").toString(),
                "failed.job.statuses", 1);
        start();
    }

    @AfterAll
    static void stopCoordinator() throws IOException {
        stop();
        github.close();
        gitlab.close();
    }

    private static void start() throws IOException {
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.datastore", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.coordinator", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.ci", ciProperties));
        jobsets = Services.await(CONTEXT, JobsetService.class);
    }

    private static void stop() throws IOException {
        for (Configuration configuration : CONFIGURATIONS.reversed()) {
            configuration.delete();
        }
        CONFIGURATIONS.clear();
        Services.awaitGone(CONTEXT, JobsetService.class);
        Services.awaitGone(CONTEXT, BuildService.class);
    }

    @Test
    void theFinalStatusOfABuildingEvaluationIsPostedAfterTheCoordinatorRestarts() throws Exception {
        Jobset request = pullRequestJobset("shop", Forge.GITLAB, "acme/shop", 12);
        jobsets.add(request);
        jobsets.evaluate(request.name());
        Evaluation evaluation = awaitEvaluations(jobsets, request.name(), 1).get(0);
        assertEquals(EvaluationStatus.SUCCEEDED, evaluation.status(), evaluation.error());
        String commit = evaluation.commits().get("src");
        gitlab.await("the building status of " + commit,
                requests -> descriptions(requests, commit).stream().anyMatch(text -> text.contains("building")));

        stop();
        start();
        failBuildsOf(evaluation, "after-restart");

        List<FakeForge.Request> posted = gitlab.await("the failure of " + commit, requests -> requests.stream()
                .anyMatch(r -> r.path().endsWith(commit) && "failed".equals(r.field("state"))
                        && "kiln/shop".equals(r.field("name"))));
        FakeForge.Request failure = posted.stream()
                .filter(r -> "kiln/shop".equals(r.field("name")) && "failed".equals(r.field("state")))
                .findFirst().orElseThrow();
        assertTrue(failure.field("description").startsWith("2 builds failed, 0 canceled; the first 1 shown"),
                failure.field("description"));
        assertEquals("https://kiln.example/api/v1/evaluations/" + evaluation.id(), failure.field("target_url"));
        List<FakeForge.Request> jobs = gitlab.await("the status of one failed job", requests -> requests.stream()
                .anyMatch(r -> r.field("name").startsWith("kiln/shop/")));
        List<FakeForge.Request> perJob = jobs.stream().filter(r -> r.field("name").startsWith("kiln/shop/")).toList();
        assertEquals(1, perJob.size(), "at most failed.job.statuses jobs get a status of their own: " + perJob);
        assertTrue(List.of("kiln/shop/a", "kiln/shop/b").contains(perJob.get(0).field("name")), perJob.toString());
        assertEquals("failed", perJob.get(0).field("state"));
        assertTrue(perJob.get(0).field("target_url").startsWith("https://kiln.example/api/v1/builds/"));
        assertEquals("pending", gitlab.received().stream().filter(r -> r.path().endsWith(commit)).findFirst()
                .orElseThrow().field("state"), "pending came first");
    }

    @Test
    void checkRunsGoToGitHubAndASpentRateLimitIsWaitedOut() throws Exception {
        long reset = Instant.now().plusSeconds(3).getEpochSecond();
        github.refuseNext(1, 403, Map.of("X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", Long.toString(reset)));
        Jobset request = pullRequestJobset("cart", Forge.GITHUB, "acme/cart", 4);
        jobsets.add(request);
        jobsets.evaluate(request.name());
        Evaluation evaluation = awaitEvaluations(jobsets, request.name(), 1).get(0);
        String commit = evaluation.commits().get("src");

        List<FakeForge.Request> first = github.await("a check run of " + commit, requests -> !requests.isEmpty());
        assertEquals(1, github.refusedAt().size());
        assertFalse(first.get(0).at().isBefore(Instant.ofEpochSecond(reset)),
                "nothing is posted before the rate limit resets: " + first.get(0).at() + " < " + reset);
        FakeForge.Request run = first.get(0);
        assertEquals("/repos/acme/cart/check-runs", run.path());
        assertEquals("Bearer ghs-app-token", run.authorization());
        assertEquals("kiln/cart", run.field("name"));
        assertEquals(commit, run.field("head_sha"));
        assertEquals("in_progress", run.field("status"));
        assertEquals("https://kiln.example/api/v1/evaluations/" + evaluation.id(), run.field("details_url"));

        failBuildsOf(evaluation, "check-runs");
        List<FakeForge.Request> runs = github.await("the completed check run", requests -> requests.stream()
                .anyMatch(r -> "kiln/cart".equals(r.field("name")) && "failure".equals(r.field("conclusion"))));
        FakeForge.Request completed = runs.stream().filter(r -> "failure".equals(r.field("conclusion"))
                && "kiln/cart".equals(r.field("name"))).findFirst().orElseThrow();
        assertEquals("completed", completed.field("status"));
        github.await("the check run of one failed job", requests -> requests.stream()
                .anyMatch(r -> r.field("name").startsWith("kiln/cart/") && "failure".equals(r.field("conclusion"))));
    }

    /** A jobset of the pull request, as a webhook would have made it from the template of that name. */
    private static Jobset pullRequestJobset(String template, Forge forge, String repository, long number)
            throws Exception {
        Path git = fixtures.gitRepository(repository, "one", "two");
        fixtures.git(git, "checkout", "-q", "-b", "feature");
        fixtures.commit(git, "one " + template, "two " + template);
        Jobset base = fixtures.jobset(template, git, fixtures.nixInstantiate(), 0);
        return base.forPullRequest(new PullRequest(forge, repository, number, null, template, null), git.toString(),
                "feature");
    }

    private static List<String> descriptions(List<FakeForge.Request> requests, String commit) {
        return requests.stream().filter(r -> r.path().endsWith("/" + commit)).map(r -> r.field("description"))
                .toList();
    }

    /** Plays an agent that takes the evaluation's builds and fails each. */
    private static void failBuildsOf(Evaluation evaluation, String agent) throws InterruptedException {
        BuildService builds = Services.await(CONTEXT, BuildService.class);
        List<Build> wanted = builds.list(BuildQuery.all(100)
                .withTag(new Tag("evaluation", Long.toString(evaluation.id())))).builds();
        assertEquals(2, wanted.size());
        new FakeAgent(Services.await(CONTEXT, AgentService.class), Services.await(CONTEXT, AgentBuildService.class),
                agent, wanted.stream().map(Build::system).collect(Collectors.toSet()))
                .fail(wanted.stream().map(Build::id).toList());
    }
}
