package dev.kiln.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.kiln.transport.jetty.HttpEndpoints;
import dev.kiln.testing.ExampleHooks;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.StateDirectories;

/** The client commands against a real coordinator started by {@code kiln coordinator} in the test framework. */
class ClientCommandsTest {

    private static final long TIMEOUT_SECONDS = 60;
    private static final BundleContext BUNDLES = FrameworkUtil.getBundle(ClientCommandsTest.class).getBundleContext();

    private static final Path temporary = StateDirectories.create("kiln-client-commands-");

    private static KilnCommandLine coordinator;
    private static CompletableFuture<Integer> running;
    private static String url;

    @BeforeAll
    static void startCoordinator() throws Exception {
        coordinator = new KilnCommandLine(BUNDLES, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        running = CompletableFuture.supplyAsync(() -> coordinator.run("coordinator", "--state-dir",
                temporary.resolve("state").toString(), "--client-listen", "127.0.0.1:0", "--agent-listen", "127.0.0.1:0"),
                // A thread of its own: the coordinator runs until stopped, and must not hold the common pool.
                task -> Thread.ofPlatform().name("kiln-coordinator-command").start(task));
        ServiceTracker<HttpEndpoints, HttpEndpoints> tracker = new ServiceTracker<>(BUNDLES, HttpEndpoints.class, null);
        tracker.open();
        HttpEndpoints endpoints = tracker.waitForService(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        tracker.close();
        assertTrue(endpoints != null, "the coordinator did not come up");
        url = endpoints.clientApi().toString();
    }

    @AfterAll
    static void stopCoordinator() throws Exception {
        coordinator.stop();
        running.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        StateDirectories.delete(temporary);
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run kiln(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new KilnCommandLine(BUNDLES, new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void agentsAreCreatedListedGivenPasswordsAndDeactivated() {
        Run created = kiln("agent", "new", "--coordinator", url, "--name", "builder-1", "--system", "x86_64-linux",
                "--tag", "fast=yes", "--json");
        assertEquals(0, created.exit(), created.err());
        assertTrue(created.out().matches("\\{\"id\":\"[0-9a-f-]{36}\",\"password\":\"[^\"]+\"}\\s*"), created.out());
        String id = created.out().substring(7, 43);

        Run listed = kiln("agent", "list", "--coordinator", url);
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().contains(id) && listed.out().contains("builder-1"), listed.out());
        assertTrue(listed.out().lines().anyMatch(line -> line.startsWith(id) && line.contains("builds 0")
                && line.contains("load -") && line.contains("seen never")), listed.out());

        Run password = kiln("agent", "password", id, "--coordinator", url);
        assertEquals(0, password.exit(), password.err());
        assertTrue(password.out().contains("password: "), password.out());

        Run deactivated = kiln("agent", "deactivate", id, "--coordinator", url, "--json");
        assertEquals(0, deactivated.exit(), deactivated.err());
        assertTrue(deactivated.out().contains("\"active\":false"), deactivated.out());
    }

    @Test
    void agentsAreNamedUniquelyAndEveryCommandTakesTheNameOrTheId() {
        Run created = kiln("agent", "new", "--coordinator", url, "--name", "builder-2", "--json");
        assertEquals(0, created.exit(), created.err());
        String id = created.out().substring(7, 43);

        Run again = kiln("agent", "new", "--coordinator", url, "--name", "builder-2");
        assertEquals(KilnCommandLine.EXIT_FAILURE, again.exit(), again.out());
        assertEquals(1, again.err().lines().count(), again.err());
        assertTrue(again.err().contains("already an agent named builder-2"), again.err());

        Run password = kiln("agent", "password", "builder-2", "--coordinator", url, "--json");
        assertEquals(0, password.exit(), password.err());
        assertTrue(password.out().contains(id), password.out());
        Run drained = kiln("agent", "deactivate", "builder-2", "--drain", "--coordinator", url, "--json");
        assertEquals(0, drained.exit(), drained.err());
        assertTrue(drained.out().contains("\"active\":false"), drained.out());
        Run activated = kiln("agent", "activate", id, "--coordinator", url, "--json");
        assertTrue(activated.out().contains("\"active\":true"), activated.out() + activated.err());
        Run now = kiln("agent", "deactivate", "builder-2", "--now", "--coordinator", url, "--json");
        assertTrue(now.out().contains("\"active\":false"), now.out() + now.err());
        Run both = kiln("agent", "deactivate", "builder-2", "--now", "--drain", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_USAGE, both.exit(), both.err());

        Run unknown = kiln("agent", "deactivate", "nobody", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, unknown.exit());
        assertEquals("kiln: not found: no agent nobody", unknown.err().strip());
        Run held = kiln("build", "list", "--agent", "builder-2", "--coordinator", url, "--json");
        assertEquals(0, held.exit(), held.err());
        assertEquals("[]", held.out().strip(), "no build held");
        Run counted = kiln("build", "counts", "--agent", id, "--coordinator", url);
        assertTrue(counted.out().lines().anyMatch(line -> line.matches("total +0")), counted.out());
        Run nobodys = kiln("build", "list", "--agent", "nobody", "--coordinator", url);
        assertEquals("kiln: not found: no agent nobody", nobodys.err().strip());

        Run removed = kiln("agent", "remove", "builder-2", "--coordinator", url);
        assertEquals(0, removed.exit(), removed.err());
        assertEquals("removed agent builder-2 (" + id + ")", removed.out().strip());
        assertFalse(kiln("agent", "list", "--coordinator", url).out().contains(id));
        Run reused = kiln("agent", "new", "--coordinator", url, "--name", "builder-2");
        assertEquals(0, reused.exit(), "the name is free again: " + reused.err());
    }

    @Test
    void errorsAreOneLineAndANonZeroExit() {
        Run unknown = kiln("build", "show", "00000000-0000-0000-0000-000000000000", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, unknown.exit());
        assertEquals(1, unknown.err().lines().count(), unknown.err());
        assertTrue(unknown.err().startsWith("kiln: not found: "), unknown.err());

        Run noStateDir = kiln("agent", "new", "--name", "x", "--coordinator", url, "--state-dir", "/nonexistent/state");
        assertEquals(KilnCommandLine.EXIT_FAILURE, noStateDir.exit());
        assertEquals("kiln: --state-dir /nonexistent/state is no directory: give the coordinator's state directory, "
                + "or a token with --token", noStateDir.err().strip());

        Run badLimit = kiln("build", "submit", "--timeout", "-1", "/nonexistent/nothere.drv", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_USAGE, badLimit.exit());
        assertEquals("kiln: --timeout must not be negative: -1", badLimit.err().strip(), "one line, no usage hint");

        Run missing = kiln("build", "submit", "/nonexistent/nothere.drv", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, missing.exit());
        assertEquals("kiln: no such file: /nonexistent/nothere.drv", missing.err().strip());

        Run unknownHost = kiln("build", "list", "--coordinator", "http://no-such-host.invalid:8746");
        assertEquals(KilnCommandLine.EXIT_UNREACHABLE, unknownHost.exit(), unknownHost.err());
        assertTrue(unknownHost.err().startsWith("kiln: coordinator http://no-such-host.invalid:8746 is unreachable: "
                + "unknown host no-such-host.invalid"), unknownHost.err());

        Run unreachable = kiln("build", "list", "--coordinator", "http://127.0.0.1:1");
        assertEquals(KilnCommandLine.EXIT_UNREACHABLE, unreachable.exit(), unreachable.err());
        assertTrue(unreachable.err().startsWith("kiln: coordinator http://127.0.0.1:1 is unreachable"), unreachable.err());
    }

    @Test
    void buildsAreListedAsJsonAndTheCacheKeyIsPrinted() throws Exception {
        Run list = kiln("build", "list", "--coordinator", url, "--state", "scheduled", "--json");
        assertEquals(0, list.exit(), list.err());
        assertEquals("[]", list.out().strip());

        Run key = kiln("cache", "public-key", "--coordinator", url);
        assertEquals(0, key.exit(), key.err());
        assertEquals(Files.readString(temporary.resolve("state/keys/signing.public")).strip(), key.out().strip());

        Run verify = kiln("cache", "verify", "--coordinator", url);
        assertEquals(0, verify.exit(), verify.err());
        assertEquals("0 paths checked, 0 bytes of NARs read, 0 faults", verify.out().strip());

        Run token = kiln("token", "new", "--coordinator", url, "--state-dir", temporary.resolve("state").toString());
        assertEquals(0, token.exit(), token.err());
        assertTrue(token.out().startsWith("kiln_"), token.out());

        Run labelled = kiln("token", "new", "--coordinator", url, "--label", "ci-robot");
        assertEquals(0, labelled.exit(), labelled.err());
        Run tokens = kiln("token", "list", "--coordinator", url);
        assertTrue(tokens.out().lines().anyMatch(line -> line.matches("[0-9a-f]{8}  \\S+Z +ci-robot")), tokens.out());
        assertEquals(0, kiln("build", "counts", "--coordinator", url, "--token", labelled.out().strip()).exit());
        Run revoked = kiln("token", "revoke", "ci-robot", "--coordinator", url);
        assertEquals(0, revoked.exit(), revoked.err());
        assertTrue(revoked.out().startsWith("revoked ") && revoked.out().contains("ci-robot"), revoked.out());
        assertFalse(kiln("token", "list", "--coordinator", url).out().contains("ci-robot"));
        Run refused = kiln("build", "counts", "--coordinator", url, "--token", labelled.out().strip());
        assertEquals(KilnCommandLine.EXIT_FAILURE, refused.exit(), "a revoked token is refused");
    }

    @Test
    void aLocalOperatorTypesNoTokenButAWrongTokenIsRefused() throws Exception {
        Run wrong = kiln("build", "counts", "--coordinator", url, "--token", "wrongtoken");
        assertEquals(KilnCommandLine.EXIT_FAILURE, wrong.exit(), wrong.out());
        assertEquals("kiln: unauthorized: the client token is not valid (revoked, or of another coordinator)",
                wrong.err().strip());

        Run refused = RunningCoordinator.withoutLocalToken(URI.create(url),
                () -> kiln("agent", "new", "--coordinator", url, "--name", "nobody", "--system", "x86_64-linux"));
        assertEquals(KilnCommandLine.EXIT_FAILURE, refused.exit(), refused.out());
        assertTrue(refused.err().startsWith("kiln: unauthorized: POST /api/v1/agents needs a client token"),
                refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());
        Run read = RunningCoordinator.withoutLocalToken(URI.create(url), () -> kiln("build", "counts", "--coordinator", url));
        assertEquals(0, read.exit(), "reads need no token: " + read.err());
        assertFalse(kiln("agent", "list", "--coordinator", url).out().contains("nobody"));
        Run created = kiln("agent", "new", "--coordinator", url, "--name", "local-operator", "--system", "x86_64-linux");
        assertEquals(0, created.exit(), "the coordinator's own user finds its token: " + created.err());
    }

    @Test
    void storeCommandsHashAndCheck() throws Exception {
        Path file = Files.writeString(temporary.resolve("hello.txt"), "hello\n");
        Run hash = kiln("store", "hash", file.toString());
        assertEquals(0, hash.exit(), hash.err());
        assertTrue(hash.out().strip().matches("sha256:[0-9a-z]{52}"), hash.out());

        Path bad = Files.writeString(temporary.resolve("00000000000000000000000000000000-bad.drv"), "Derive(nonsense");
        Run check = kiln("store", "check-derivation", bad.toString());
        assertEquals(KilnCommandLine.EXIT_FAILURE, check.exit());
        assertTrue(check.err().startsWith("kiln: " + bad), check.err());

        Run key = kiln("store", "generate-key", "test-key-1", "--directory", temporary.toString());
        assertEquals(0, key.exit(), key.err());
        assertTrue(key.out().startsWith("test-key-1:"), key.out());
        assertTrue(Files.exists(temporary.resolve("test-key-1.secret")));
    }

    @Test
    void submitsWithRequiredAgentTagsAndADeferTime() throws Exception {
        Path file = derivationFile("nix", "tagged");
        Matcher id = submitted(file, "--require-agent-tag", "gpu=yes", "--defer-until", "2099-01-01T00:00:00Z");
        Run shown = kiln("build", "show", id.group(1), "--coordinator", url, "--json");
        assertTrue(shown.out().contains("\"requiredAgentTags\":{\"gpu\":\"yes\"}"), shown.out());
        assertTrue(shown.out().contains("\"deferUntil\":\"2099-01-01T00:00:00Z\""), shown.out());

        Run badTime = kiln("build", "submit", file.toString(), "--coordinator", url, "--defer-until", "tomorrow");
        assertEquals(KilnCommandLine.EXIT_USAGE, badTime.exit());
        assertTrue(badTime.err().startsWith("kiln: Invalid value for option '--defer-until': not an ISO-8601 time"),
                badTime.err());
        assertEquals(0, kiln("build", "cancel", id.group(1), "--coordinator", url).exit(), "the other tests expect no scheduled build");
    }

    @Test
    void buildsAreTaggedAndTagsRemoved() throws Exception {
        Matcher id = submitted(derivationFile("nix-tags", "to-tag"), "--tag", "job=nightly", "--defer-until",
                "2099-01-01T00:00:00Z");
        try {
            Run tagged = kiln("build", "tag", id.group(1), "checked-by=tagger", "job=release", "--coordinator", url);
            assertEquals(0, tagged.exit(), tagged.err());
            assertTrue(tagged.out().contains("tags:        checked-by=tagger,job=release"), tagged.out());

            Run removed = kiln("build", "tag", id.group(1), "--remove", "job", "--coordinator", url, "--json");
            assertEquals(0, removed.exit(), removed.err());
            assertTrue(removed.out().contains("\"tags\":{\"checked-by\":\"tagger\"}"), removed.out());
            Run shown = kiln("build", "show", id.group(1), "--coordinator", url);
            assertTrue(shown.out().contains("tags:        checked-by=tagger"), shown.out());

            Run nothing = kiln("build", "tag", id.group(1), "--coordinator", url);
            assertEquals(KilnCommandLine.EXIT_USAGE, nothing.exit(), nothing.err());
            Run bad = kiln("build", "tag", id.group(1), "no-value", "--coordinator", url);
            assertEquals(KilnCommandLine.EXIT_USAGE, bad.exit(), bad.err());
            assertTrue(bad.err().contains("is not KEY=VALUE"), bad.err());
        } finally {
            assertEquals(0, kiln("build", "cancel", id.group(1), "--coordinator", url).exit(),
                    "the other tests expect no scheduled build");
        }
    }

    @Test
    void buildsAreSortedAndCounted() throws Exception {
        Path lowFile = derivationFile("nix-sort-low", "sorted-low");
        Matcher low = submitted(lowFile, "--tag", "job=sorting", "--priority", "1",
                "--defer-until", "2099-01-01T00:00:00Z");
        Matcher high = submitted(derivationFile("nix-sort-high", "sorted-high"), "--tag", "job=sorting", "--priority",
                "7", "--defer-until", "2099-01-01T00:00:00Z");
        try {
            Run descending = kiln("build", "list", "--coordinator", url, "--tag", "job=sorting", "--sort", "priority",
                    "--json");
            assertEquals(0, descending.exit(), descending.err());
            assertTrue(descending.out().indexOf(high.group(1)) < descending.out().indexOf(low.group(1)), descending.out());
            Run ascending = kiln("build", "list", "--coordinator", url, "--tag", "job=sorting", "--sort", "priority",
                    "--order", "asc", "--json");
            assertTrue(ascending.out().indexOf(low.group(1)) < ascending.out().indexOf(high.group(1)), ascending.out());
            assertTrue(ascending.out().indexOf(low.group(1)) >= 0, ascending.out());

            Run ofOne = kiln("build", "list", "--coordinator", url, "--derivation", "/nix/store/"
                    + lowFile.getFileName(), "--json");
            assertTrue(ofOne.out().contains(low.group(1)) && !ofOne.out().contains(high.group(1)), ofOne.out());
            Run counts = kiln("build", "counts", "--coordinator", url, "--tag", "job=sorting");
            assertEquals(0, counts.exit(), counts.err());
            assertTrue(counts.out().lines().anyMatch(line -> line.matches("scheduled +2")), counts.out());
            assertTrue(counts.out().lines().anyMatch(line -> line.matches("total +2")), counts.out());

            Run badSort = kiln("build", "list", "--coordinator", url, "--sort", "colour");
            assertEquals(KilnCommandLine.EXIT_FAILURE, badSort.exit());
            assertTrue(badSort.err().startsWith("kiln: bad request: "), badSort.err());
        } finally {
            for (Matcher id : List.of(low, high)) {
                assertEquals(0, kiln("build", "cancel", id.group(1), "--coordinator", url).exit(),
                        "the other tests expect no scheduled build");
            }
        }
    }

    /** A {@code .drv} file made by real Nix in its own store under {@code directory}. */
    private static Path derivationFile(String directory, String name) throws Exception {
        RealNix nix = RealNix.require(Files.createDirectories(temporary.resolve(directory)));
        String drv = nix.instantiate(nix.store("source"), """
                [ (derivation { name = "%s"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; }) ]
                """.formatted(name)).get(0);
        return nix.storeFiles("source").resolve(drv.substring("/nix/store/".length()));
    }

    /** Submits the file with {@code kiln build submit} and these options; the match's group 1 is the build's id. */
    private static Matcher submitted(Path file, String... options) {
        List<String> args = new ArrayList<>(List.of("build", "submit", file.toString(), "--coordinator", url, "--json"));
        args.addAll(List.of(options));
        Run submitted = kiln(args.toArray(String[]::new));
        assertEquals(0, submitted.exit(), submitted.err());
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(submitted.out());
        assertTrue(id.find(), submitted.out());
        return id;
    }

    @Test
    void hookBundlesAreInstalledListedAndRemoved() throws Exception {
        Path tagger = ExampleHooks.jar("tagger");
        Run installed = kiln("hook", "install", tagger.toString(), "--coordinator", url);
        assertEquals(0, installed.exit(), installed.err());
        assertTrue(installed.out().startsWith("installed " + tagger.getFileName()), installed.out());
        awaitOutput("the tagger hook is listed", () -> kiln("hook", "list", "--coordinator", url, "--json"),
                "\"bundle\":\"dev.kiln.hooks.example.tagger\"");
        // The tagger's component takes an optional configuration under its own name.
        Run configured = kiln("hook", "configure", "tagger", "colour=blue", "--coordinator", url);
        assertEquals(0, configured.exit(), configured.err());
        assertEquals("dev.kiln.hooks.example.tagger.TaggerHook:\n    colour=blue\n" + tagger.getFileName() + ": runs\n",
                configured.out());
        Run read = kiln("hook", "configure", "tagger", "--coordinator", url, "--json");
        assertTrue(read.out().contains("\"properties\":{\"colour\":\"blue\"}"), read.out());
        Run unknownHook = kiln("hook", "configure", "no-such-hook", "a=b", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, unknownHook.exit());
        assertTrue(unknownHook.err().startsWith("kiln: not found: "), unknownHook.err());
        Run notAPair = kiln("hook", "configure", "tagger", "colour", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_USAGE, notAPair.exit(), notAPair.out());
        assertTrue(notAPair.err().contains("'colour' is not KEY=VALUE"), notAPair.err());

        Run removed = kiln("hook", "remove", "dev.kiln.hooks.example.tagger", "--coordinator", url);
        assertEquals(0, removed.exit(), removed.err());
        awaitOutput("the tagger hook is gone", () -> {
            Run listed = kiln("hook", "list", "--coordinator", url, "--json");
            return new Run(listed.exit(), listed.out().contains("example.tagger") ? "" : "gone", listed.err());
        }, "gone");

        Path broken = Files.writeString(temporary.resolve("broken-hook.jar"), "not a jar");
        Run refused = kiln("hook", "install", broken.toString(), "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, refused.exit(), refused.out());
        assertTrue(refused.err().startsWith("kiln: broken-hook.jar was not deployed: "), refused.err());
        Run unknown = kiln("hook", "remove", "no-such-hook", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, unknown.exit());
        assertTrue(unknown.err().startsWith("kiln: not found: "), unknown.err());
    }

    @Test
    void jobsetsAreAddedEvaluatedByCommandOrForgeAndRemoved() throws Exception {
        Path repository = Files.createDirectories(temporary.resolve("repository"));
        git(repository, "init", "-q", "-b", "main");
        Files.writeString(repository.resolve("release.sh"), "echo evaluating\n");
        git(repository, "add", "release.sh");
        git(repository, "-c", "user.name=Kiln Tests", "-c", "user.email=tests@kiln.invalid", "commit", "-q", "-m", "first");

        Run added = kiln("jobset", "add", "site", "--coordinator", url, "--channel", "src=" + repository + "#main",
                "--command", "sh release.sh", "--priority", "3", "--tag", "team=web");
        assertEquals(0, added.exit(), added.err());
        assertTrue(added.out().contains("channel:   src = " + repository + " (main)"), added.out());
        assertTrue(added.out().contains("tags:      team=web"), added.out());
        Run duplicate = kiln("jobset", "add", "site", "--coordinator", url, "--channel", "src=" + repository,
                "--command", "true");
        assertEquals(KilnCommandLine.EXIT_FAILURE, duplicate.exit());
        assertTrue(duplicate.err().contains("there is a jobset site already"), duplicate.err());
        Run changed = kiln("jobset", "change", "site", "--coordinator", url, "--command", "sh release.sh again",
                "--priority", "5", "--tag", "team=ops", "--evaluation-timeout", "30");
        assertEquals(0, changed.exit(), changed.err());
        Run shownJobset = kiln("jobset", "show", "site", "--coordinator", url);
        assertTrue(shownJobset.out().contains("command:   sh release.sh again"), shownJobset.out());
        assertTrue(shownJobset.out().contains("priority:  5"), shownJobset.out());
        assertTrue(shownJobset.out().contains("tags:      team=ops"), shownJobset.out());
        assertTrue(shownJobset.out().contains("channel:   src = " + repository + " (main)"), shownJobset.out());
        assertTrue(shownJobset.out().contains("time limit: 30 s an evaluation"), shownJobset.out());
        Run badChange = kiln("jobset", "change", "site", "--coordinator", url, "--channel", "nonsense");
        assertEquals(KilnCommandLine.EXIT_USAGE, badChange.exit(), badChange.out());
        Run negative = kiln("jobset", "change", "site", "--coordinator", url, "--evaluation-timeout", "-1");
        assertEquals(KilnCommandLine.EXIT_USAGE, negative.exit(), negative.out());
        assertTrue(negative.err().contains("--evaluation-timeout: -1 is negative"), negative.err());

        assertEquals(0, kiln("jobset", "evaluate", "site", "--rebuild-failures", "--coordinator", url).exit());
        awaitOutput("the first evaluation succeeds", () -> kiln("eval", "list", "site", "--coordinator", url, "--json"),
                "\"status\":\"succeeded\"");
        Run first = kiln("eval", "list", "site", "--coordinator", url);
        String id = first.out().lines().findFirst().orElseThrow().split("\\s+")[0];
        Run shown = kiln("eval", "show", id, "--coordinator", url);
        assertEquals(0, shown.exit(), shown.err());
        assertTrue(shown.out().contains("src at ") && shown.out().contains("builds: 0 succeeded"), shown.out());

        HttpClient http = HttpClient.newHttpClient();
        URI hook = URI.create(url + "/jobset/site/hook/evaluate");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(hook).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        String token = Files.readString(temporary.resolve("state/client-token")).strip();
        HttpResponse<String> forge = http.send(HttpRequest.newBuilder(hook).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"ref\":\"refs/heads/main\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, forge.statusCode(), forge.body());
        awaitOutput("the forge's evaluation runs", () -> {
            Run listed = kiln("eval", "list", "site", "--coordinator", url);
            return new Run(listed.exit(), listed.out().lines().filter(line -> line.contains("succeeded")).count() >= 2 ? "two" : "",
                    listed.err());
        }, "two");

        Run disabled = kiln("jobset", "disable", "site", "--coordinator", url);
        assertTrue(disabled.out().contains("(disabled)"), disabled.out());
        Run removed = kiln("jobset", "remove", "site", "--json", "--coordinator", url);
        assertEquals(0, removed.exit(), removed.err());
        assertTrue(removed.out().contains("\"removed\":\"site\""), removed.out());
        Run gone = kiln("jobset", "show", "site", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, gone.exit());
        assertTrue(gone.err().startsWith("kiln: not found: "), gone.err());
    }

    @Test
    void jobsetsTakeSharesAndLimitsAndKeepThemWhenChangedOtherwise() {
        Run added = kiln("jobset", "add", "shared", "--coordinator", url, "--channel", "src=/srv/shared.git",
                "--command", "true", "--shares", "3", "--timeout", "600", "--max-log-size", "1M");
        assertEquals(0, added.exit(), added.err());
        assertTrue(added.out().contains("shares:    3"), added.out());
        assertTrue(added.out().contains("limits:    timeout 600  max-silent default  max-log 1048576  "
                + "max-output default"), added.out());

        Run changed = kiln("jobset", "change", "shared", "--coordinator", url, "--shares", "2", "--max-silent-time",
                "60");
        assertEquals(0, changed.exit(), changed.err());
        Run shown = kiln("jobset", "show", "shared", "--coordinator", url, "--json");
        assertTrue(shown.out().contains("\"shares\":2"), shown.out());
        assertTrue(shown.out().contains("\"timeout\":600,\"maxSilentTime\":60,\"maxLogSize\":1048576"),
                "the limits given before are kept: " + shown.out());

        Run noShares = kiln("jobset", "change", "shared", "--coordinator", url, "--shares", "0");
        assertEquals(KilnCommandLine.EXIT_USAGE, noShares.exit());
        assertEquals(1, noShares.err().lines().count(), noShares.err());
        Run badLimit = kiln("jobset", "change", "shared", "--coordinator", url, "--max-output-size", "lots");
        assertEquals(KilnCommandLine.EXIT_USAGE, badLimit.exit());
        assertEquals(1, badLimit.err().lines().count(), badLimit.err());
        assertTrue(kiln("jobset", "show", "shared", "--coordinator", url).out().contains("shares:    2"),
                "nothing was changed by the refused commands");
        assertEquals(0, kiln("jobset", "remove", "shared", "--coordinator", url).exit());
    }

    /** Runs the command until its output matches, for what the coordinator does in the background. */
    private static void awaitOutput(String what, Supplier<Run> command, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        Run last = command.get();
        while (!Pattern.compile(Pattern.quote(expected)).matcher(last.out()).find()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + TIMEOUT_SECONDS + " s; last output: " + last.out() + last.err());
            }
            Thread.sleep(100);
            last = command.get();
        }
    }

    private static void git(Path repository, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
        command.addAll(List.of(arguments));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(git.getInputStream().readAllBytes());
        assertEquals(0, git.waitFor(), "git " + String.join(" ", arguments) + ": " + output);
    }
}
