package dev.kiln.ci.tests;

import static dev.kiln.ci.tests.CiFixtures.awaitEvaluations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
import dev.kiln.api.BuildState;
import dev.kiln.api.Tag;
import dev.kiln.ci.Evaluation;
import dev.kiln.ci.EvaluationStatus;
import dev.kiln.ci.Forge;
import dev.kiln.ci.Jobset;
import dev.kiln.ci.JobsetService;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.Services;
import dev.kiln.transport.jetty.HttpEndpoints;

/**
 * Forges' webhooks on the real coordinator, HTTP server and Derby, with git repositories made by the test and the real
 * {@code nix-instantiate}. No forge server can be installed on this machine (Debian has no Forgejo, Gitea or GitLab
 * package, and GitHub is a service): the test plays the forge, sending deliveries shaped as each forge's
 * documentation shows them, signed as each forge signs them, and fake forges on 127.0.0.1 ({@link FakeForge})
 * record the commit statuses Kiln posts back.
 */
class WebhookTest {

    private static final String OLD_SECRET = "the secret before the rotation";
    private static final String NEW_SECRET = "the secret after the rotation";
    private static final long MAX_BODY = 64 * 1024;

    @TempDir
    static Path temp;

    private static final BundleContext CONTEXT = Services.context(WebhookTest.class);
    private static final List<Configuration> CONFIGURATIONS = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static CiFixtures fixtures;
    private static JobsetService jobsets;
    private static URI webhook;
    private static FakeForge github;
    private static FakeForge gitlab;
    private static BuildService builds;
    private static AgentService agents;
    private static AgentBuildService agentBuilds;

    @BeforeAll
    static void startCoordinator() throws IOException {
        RealNix nix = RealNix.require(Files.createDirectories(temp.resolve("nix")));
        fixtures = new CiFixtures(nix, temp.resolve("repositories"));
        String state = Files.createDirectories(temp.resolve("state")).toString();
        Path secrets = Files.writeString(temp.resolve("webhook-secrets"), OLD_SECRET + "\n\n" + NEW_SECRET + "\n");
        github = new FakeForge();
        gitlab = new FakeForge();
        Path githubToken = Files.writeString(temp.resolve("github-token"), "ghp-test-token\n");
        Path gitlabToken = Files.writeString(temp.resolve("gitlab-token"), "glpat-test-token\n");
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.datastore", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.coordinator", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.cache", Map.of("state.dir", state)));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.ci", Map.of("state.dir", state,
                "evaluation.timeout.seconds", 60L, "webhook.secret.files", new String[] {secrets.toString()},
                "pull.request.retention.seconds", 1L, "public.url", "https://kiln.example",
                "github.api.url", github.url().toString(), "github.token.file", githubToken.toString(),
                "gitlab.url", gitlab.url().toString(), "gitlab.token.file", gitlabToken.toString())));
        CONFIGURATIONS.add(Services.configure(CONTEXT, "dev.kiln.transport.jetty", Map.of("state.dir", state,
                "client.listen", "127.0.0.1:0", "agent.listen", "127.0.0.1:0", "max.json.bytes", MAX_BODY)));
        jobsets = Services.await(CONTEXT, JobsetService.class);
        builds = Services.await(CONTEXT, BuildService.class);
        agents = Services.await(CONTEXT, AgentService.class);
        agentBuilds = Services.await(CONTEXT, AgentBuildService.class);
        webhook = Services.await(CONTEXT, HttpEndpoints.class).clientApi().resolve("/webhook");
    }

    @AfterAll
    static void stopCoordinator() throws IOException {
        for (Configuration configuration : CONFIGURATIONS.reversed()) {
            configuration.delete();
        }
        Services.awaitGone(CONTEXT, HttpEndpoints.class);
        Services.awaitGone(CONTEXT, JobsetService.class);
        github.close();
        gitlab.close();
    }

    @Test
    void refusesDeliveriesThatAreNotSignedOrNotWellFormedAndActsOnNone() throws Exception {
        Path repository = fixtures.gitRepository("acme/guarded", "one", "two");
        jobsets.add(fixtures.jobset("guarded", repository, fixtures.nixInstantiate(), 0));
        String push = githubPush("acme/guarded", "main", "1".repeat(40));

        assertEquals(401, post(push, githubHeaders("push", push, "a secret nobody configured")).statusCode());
        assertEquals(401, post(push, Map.of("X-GitHub-Event", "push")).statusCode(), "no signature");
        HttpResponse<String> tampered = post(push.replace("guarded", "guarded "), githubHeaders("push", push, NEW_SECRET));
        assertEquals(401, tampered.statusCode(), "a body changed after it was signed");
        assertTrue(tampered.body().contains("\"error\""), tampered.body());
        String gitlab = gitlabPush("acme/guarded", "main", "1".repeat(40));
        assertEquals(401, post(gitlab, Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "guess")).statusCode());

        String malformed = "{\"ref\": \"refs/heads/main\", ";
        assertEquals(400, post(malformed, githubHeaders("push", malformed, NEW_SECRET)).statusCode());
        String noRepository = "{\"ref\": \"refs/heads/main\", \"after\": \"" + "2".repeat(40) + "\"}";
        assertEquals(400, post(noRepository, githubHeaders("push", noRepository, NEW_SECRET)).statusCode());
        assertEquals(400, post(push, Map.of("X-Hub-Signature-256", "sha256=00")).statusCode(), "not from a forge");
        String oversized = push.replace("\"forced\": false", "\"forced\": false, \"padding\": \"" + "x".repeat((int) MAX_BODY) + "\"");
        assertEquals(413, post(oversized, githubHeaders("push", oversized, NEW_SECRET)).statusCode());
        String unknown = githubPush("acme/unknown", "main", "3".repeat(40));
        HttpResponse<String> notFound = post(unknown, githubHeaders("push", unknown, NEW_SECRET));
        assertEquals(404, notFound.statusCode(), notFound.body());

        assertEquals(List.of(), jobsets.evaluations("guarded"), "no delivery started anything");
    }

    @Test
    void aPushEvaluatesTheJobsetsThatFollowTheBranchWithEitherSecret() throws Exception {
        Path repository = fixtures.gitRepository("acme/app", "alpha", "beta");
        jobsets.add(fixtures.jobset("app", repository, fixtures.nixInstantiate(), 0));
        String head = fixtures.git(repository, "rev-parse", "HEAD").strip();

        String gitea = giteaPush("acme/app", "main", head);
        HttpResponse<String> accepted = post(gitea, giteaHeaders("push", gitea, OLD_SECRET, "X-Gitea"));
        assertEquals(202, accepted.statusCode(), accepted.body());
        assertTrue(accepted.body().contains("\"jobsets\":[\"app\"]"), accepted.body());
        Evaluation first = awaitEvaluations(jobsets, "app", 1).get(0);
        assertEquals(EvaluationStatus.SUCCEEDED, first.status(), first.error());
        assertEquals(head, first.commits().get("src"));

        String next = fixtures.commit(repository, "alpha", "gamma");
        String forgejo = giteaPush("acme/app", "main", next);
        assertEquals(202, post(forgejo, giteaHeaders("push", forgejo, NEW_SECRET, "X-Forgejo")).statusCode());
        assertEquals(next, awaitEvaluations(jobsets, "app", 2).get(0).commits().get("src"));

        String otherBranch = gitlabPush("acme/app", "release", "4".repeat(40));
        HttpResponse<String> nothingToDo = post(otherBranch,
                Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", NEW_SECRET));
        assertEquals(202, nothingToDo.statusCode(), nothingToDo.body());
        assertTrue(nothingToDo.body().contains("\"jobsets\":[]"), nothingToDo.body());
    }

    @Test
    void aPullRequestBecomesAJobsetThatFollowsItsPushesAndGoesOnceClosed() throws Exception {
        Path repository = fixtures.gitRepository("acme/web", "home", "about");
        Jobset base = fixtures.jobset("web", repository, fixtures.nixInstantiate(), 0);
        jobsets.add(new Jobset(base.name(), base.channels(), base.evaluationCommand(), base.storeDir(),
                base.storeRoot(), base.period(), base.priority(), base.tags(), true, base.maxBuildsPerEvaluation(),
                true, true, null));
        fixtures.git(repository, "checkout", "-q", "-b", "feature");
        String first = fixtures.commit(repository, "home", "about us");

        String opened = githubPullRequest("opened", 7, "acme/web", "feature", first, false);
        HttpResponse<String> created = post(opened, githubHeaders("pull_request", opened, NEW_SECRET));
        assertEquals(202, created.statusCode(), created.body());
        Jobset request = jobsets.get("web-pr-7");
        assertEquals("feature", request.channels().get(0).branch());
        assertEquals(Forge.GITHUB, request.pullRequest().forge());
        assertEquals(7, request.pullRequest().number());
        assertFalse(request.pullRequestTemplate());
        Evaluation evaluated = awaitEvaluations(jobsets, "web-pr-7", 1).get(0);
        assertEquals(EvaluationStatus.SUCCEEDED, evaluated.status(), evaluated.error());
        assertEquals(first, evaluated.commits().get("src"));

        // Pending first; then the forge goes down, and the failure (once a fake agent failed the builds) is sent
        // again until it comes back, while evaluations and builds go on without it.
        github.await("a pending status of " + first, requests -> statesOf(requests, first).contains("pending"));
        github.goDownFor(2);
        failBuildsOf(evaluated);
        List<FakeForge.Request> posted = github.await("the failure of " + first,
                requests -> statesOf(requests, first).contains("failure"));
        List<String> states = statesOf(posted, first);
        assertEquals("pending", states.get(0), states.toString());
        assertEquals("failure", states.get(states.size() - 1), states.toString());
        assertEquals(2, github.refusedWhileDown(), "the posts refused while the forge was down were sent again");
        FakeForge.Request failure = posted.stream()
                .filter(r -> r.path().endsWith(first) && "kiln/web".equals(r.field("context")))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals("failure", failure.field("state"));
        assertEquals(List.of("kiln/web/a", "kiln/web/b"), github.await("a status for each failed job",
                requests -> requests.stream().filter(r -> r.field("context").startsWith("kiln/web/")).count() == 2)
                .stream().map(r -> r.field("context")).filter(context -> context.startsWith("kiln/web/")).sorted()
                .toList());
        assertEquals("POST", failure.method());
        assertEquals("/repos/acme/web/statuses/" + first, failure.path());
        assertEquals("Bearer ghp-test-token", failure.authorization());
        assertEquals("kiln/web", failure.field("context"));
        assertEquals("https://kiln.example/api/v1/evaluations/" + evaluated.id(), failure.field("target_url"));

        String second = fixtures.commit(repository, "home", "about them");
        String synchronize = githubPullRequest("synchronize", 7, "acme/web", "feature", second, false);
        assertEquals(202, post(synchronize, githubHeaders("pull_request", synchronize, NEW_SECRET)).statusCode());
        assertEquals(second, awaitEvaluations(jobsets, "web-pr-7", 2).get(0).commits().get("src"));
        github.await("a pending status of " + second, requests -> statesOf(requests, second).contains("pending"));

        String closed = githubPullRequest("closed", 7, "acme/web", "feature", second, true);
        assertEquals(202, post(closed, githubHeaders("pull_request", closed, NEW_SECRET)).statusCode());
        awaitRemoved("web-pr-7");
        assertEquals(List.of(), jobsets.evaluations("web"), "the template itself is not evaluated");
    }

    @Test
    void aGitLabMergeRequestBecomesAJobsetUntilItIsMergedWhichCancelsTheBuildsOnlyItWanted() throws Exception {
        Path repository = fixtures.gitRepository("acme/api", "get", "put");
        Jobset base = fixtures.jobset("api", repository, fixtures.nixInstantiate(), 0);
        jobsets.add(new Jobset(base.name(), base.channels(), base.evaluationCommand(), base.storeDir(),
                base.storeRoot(), base.period(), base.priority(), base.tags(), true, base.maxBuildsPerEvaluation(),
                true, true, null));
        jobsets.add(fixtures.jobset("api-main", repository, fixtures.nixInstantiate(), 0));
        jobsets.evaluate("api-main");
        assertEquals(EvaluationStatus.SUCCEEDED, awaitEvaluations(jobsets, "api-main", 1).get(0).status());
        fixtures.git(repository, "checkout", "-q", "-b", "delete-verb");
        String commit = fixtures.commit(repository, "get", "delete");

        String open = gitlabMergeRequest("open", 3, "acme/api", "delete-verb", commit, null);
        Map<String, String> headers = Map.of("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", OLD_SECRET);
        assertEquals(202, post(open, headers).statusCode());
        assertEquals(commit, awaitEvaluations(jobsets, "api-pr-3", 1).get(0).commits().get("src"));
        FakeForge.Request status = gitlab.await("a status of " + commit, requests -> !requests.isEmpty()).get(0);
        assertEquals("/api/v4/projects/acme%2Fapi/statuses/" + commit, status.path());
        assertEquals("glpat-test-token", status.privateToken());
        assertEquals("pending", status.field("state"));
        assertEquals("kiln/api", status.field("name"));
        Evaluation request = awaitEvaluations(jobsets, "api-pr-3", 1).get(0);
        List<Build> own = buildsOf(request);
        assertEquals(1, own.size(), "a is the branch's build, which the request found: " + own);
        assertTrue(own.get(0).derivationPath().endsWith("-b.drv") && own.get(0).state().isPending());
        assertEquals(202, post(gitlabMergeRequest("merge", 3, "acme/api", "delete-verb", commit, null), headers)
                .statusCode());
        assertFalse(jobsets.get("api-pr-3").enabled(), "a merged request's jobset is disabled at once");
        assertEquals(BuildState.CANCELED, buildsOf(request).get(0).state(), "the build only the request wanted");
        List<Build> branch = buildsOf(jobsets.evaluations("api-main").get(0));
        assertEquals(2, branch.size());
        assertTrue(branch.stream().allMatch(build -> build.state().isPending()),
                "the builds the branch's jobset wants go on, a among them: " + branch);
        awaitRemoved("api-pr-3");
    }

    /** The builds an evaluation created. */
    private static List<Build> buildsOf(Evaluation evaluation) {
        return builds.list(BuildQuery.all(100).withTag(new Tag("evaluation", Long.toString(evaluation.id()))))
                .builds();
    }

    /** The states of the statuses posted for a commit, in the order they came. */
    private static List<String> statesOf(List<FakeForge.Request> requests, String commit) {
        return requests.stream().filter(request -> request.path().endsWith("/" + commit))
                .map(request -> request.field("state")).toList();
    }

    /** Plays an agent that takes the evaluation's builds and fails each. */
    private static void failBuildsOf(Evaluation evaluation) throws InterruptedException {
        List<Build> wanted = buildsOf(evaluation);
        new FakeAgent(agents, agentBuilds, "failing-" + evaluation.id(),
                wanted.stream().map(Build::system).collect(Collectors.toSet()))
                .fail(wanted.stream().map(Build::id).toList());
    }

    private static void awaitRemoved(String name) throws InterruptedException {
        long deadline = System.nanoTime() + CiFixtures.EVALUATION_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (jobsets.list().stream().noneMatch(jobset -> jobset.name().equals(name))) {
                return;
            }
            Thread.sleep(100);
        }
        fail("jobset " + name + " was not removed after its pull request closed: " + jobsets.get(name));
    }

    private static HttpResponse<String> post(String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(webhook)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GitHub's headers: the event, a delivery id, and the HMAC-SHA256 of the body as {@code sha256=<hex>}. */
    private static Map<String, String> githubHeaders(String event, String body, String secret) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-GitHub-Event", event);
        headers.put("X-GitHub-Delivery", UUID.randomUUID().toString());
        headers.put("X-GitHub-Hook-ID", "292430182");
        headers.put("X-Hub-Signature-256", "sha256=" + hmac(secret, body));
        return headers;
    }

    /** Gitea's (and Forgejo's, under X-Forgejo-*) headers: the event and the HMAC-SHA256 of the body in hex. */
    private static Map<String, String> giteaHeaders(String event, String body, String secret, String prefix) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(prefix + "-Event", event);
        headers.put(prefix + "-Event-Type", event);
        headers.put(prefix + "-Delivery", UUID.randomUUID().toString());
        headers.put(prefix + "-Signature", hmac(secret, body));
        headers.put("X-GitHub-Event", event);
        return headers;
    }

    private static String hmac(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String githubRepository(String fullName) {
        String name = fullName.substring(fullName.indexOf('/') + 1);
        String owner = fullName.substring(0, fullName.indexOf('/'));
        return """
                {"id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": "%s", "full_name": "%s",
                 "private": false, "owner": {"login": "%s", "id": 1, "type": "Organization"},
                 "html_url": "https://github.com/%s", "url": "https://api.github.com/repos/%s",
                 "git_url": "git://github.com/%s.git", "ssh_url": "git@github.com:%s.git",
                 "clone_url": "https://github.com/%s.git", "default_branch": "main"}
                """.formatted(name, fullName, owner, fullName, fullName, fullName, fullName, fullName);
    }

    private static String githubPush(String repository, String branch, String after) {
        return """
                {"ref": "refs/heads/%s", "before": "%s", "after": "%s",
                 "repository": %s,
                 "pusher": {"name": "octocat", "email": "octocat@github.com"},
                 "sender": {"login": "octocat", "id": 583231, "type": "User"},
                 "created": false, "deleted": false, "forced": false, "base_ref": null,
                 "compare": "https://github.com/%s/compare/0000000...%s",
                 "commits": [{"id": "%s", "message": "Change", "distinct": true}],
                 "head_commit": {"id": "%s", "message": "Change"}}
                """.formatted(branch, "0".repeat(39) + "1", after, githubRepository(repository), repository,
                after.substring(0, 7), after, after);
    }

    private static String githubPullRequest(String action, int number, String repository, String branch, String sha,
            boolean merged) {
        return """
                {"action": "%s", "number": %d,
                 "pull_request": {"url": "https://api.github.com/repos/%s/pulls/%d", "id": 1, "number": %d,
                   "html_url": "https://github.com/%s/pull/%d", "state": "%s", "title": "A change", "merged": %s,
                   "head": {"label": "acme:%s", "ref": "%s", "sha": "%s", "repo": %s},
                   "base": {"label": "acme:main", "ref": "main", "sha": "%s", "repo": %s}},
                 "repository": %s,
                 "sender": {"login": "octocat", "id": 583231, "type": "User"}}
                """.formatted(action, number, repository, number, number, repository, number,
                action.equals("closed") ? "closed" : "open", merged, branch, branch, sha, githubRepository(repository),
                "5".repeat(40), githubRepository(repository), githubRepository(repository));
    }

    private static String giteaPush(String repository, String branch, String after) {
        String name = repository.substring(repository.indexOf('/') + 1);
        return """
                {"ref": "refs/heads/%s", "before": "%s", "after": "%s",
                 "compare_url": "http://gitea.example/%s/compare/%s",
                 "commits": [{"id": "%s", "message": "Change\\n", "url": "http://gitea.example/%s/commit/%s"}],
                 "head_commit": {"id": "%s", "message": "Change\\n"},
                 "repository": {"id": 1, "owner": {"id": 1, "login": "acme", "username": "acme"},
                   "name": "%s", "full_name": "%s", "private": false, "fork": false,
                   "html_url": "http://gitea.example/%s", "ssh_url": "git@gitea.example:%s.git",
                   "clone_url": "http://gitea.example/%s.git", "default_branch": "main"},
                 "pusher": {"id": 1, "login": "gitea", "username": "gitea"},
                 "sender": {"id": 1, "login": "gitea", "username": "gitea"}}
                """.formatted(branch, "0".repeat(40), after, repository, after, after, repository, after, after, name,
                repository, repository, repository, repository);
    }

    private static String gitlabProject(String fullName) {
        String name = fullName.substring(fullName.indexOf('/') + 1);
        return """
                {"id": 15, "name": "%s", "description": "", "web_url": "http://gitlab.example/%s",
                 "git_ssh_url": "git@gitlab.example:%s.git", "git_http_url": "http://gitlab.example/%s.git",
                 "namespace": "acme", "visibility_level": 0, "path_with_namespace": "%s", "default_branch": "main"}
                """.formatted(name, fullName, fullName, fullName, fullName);
    }

    private static String gitlabPush(String repository, String branch, String after) {
        return """
                {"object_kind": "push", "event_name": "push", "before": "%s", "after": "%s",
                 "ref": "refs/heads/%s", "ref_protected": true, "checkout_sha": "%s", "user_id": 4,
                 "user_name": "John Smith", "user_username": "jsmith", "project_id": 15,
                 "project": %s,
                 "commits": [{"id": "%s", "message": "Change", "title": "Change"}],
                 "total_commits_count": 1}
                """.formatted("0".repeat(40), after, branch, after, gitlabProject(repository), after);
    }

    private static String gitlabMergeRequest(String action, int iid, String repository, String branch, String sha,
            String oldrev) {
        return """
                {"object_kind": "merge_request", "event_type": "merge_request",
                 "user": {"id": 1, "name": "Administrator", "username": "root"},
                 "project": %s,
                 "object_attributes": {"id": 99, "iid": %d, "target_branch": "main", "source_branch": "%s",
                   "source_project_id": 15, "target_project_id": 15, "state": "%s", "title": "A change",
                   "url": "http://gitlab.example/%s/-/merge_requests/%d",
                   "source": %s, "target": %s,
                   "last_commit": {"id": "%s", "message": "Change", "title": "Change"},
                   "action": "%s"%s},
                 "repository": {"name": "api", "url": "git@gitlab.example:%s.git"}}
                """.formatted(gitlabProject(repository), iid, branch, action.equals("merge") ? "merged" : "opened",
                repository, iid, gitlabProject(repository), gitlabProject(repository), sha, action,
                oldrev == null ? "" : ", \"oldrev\": \"" + oldrev + "\"", repository);
    }
}
