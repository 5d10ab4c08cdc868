package dev.kiln.cli.internal;

import static dev.kiln.cli.internal.RunningCoordinator.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kiln.cli.internal.RunningCoordinator.Run;
import dev.kiln.client.KilnAgentClient;
import dev.kiln.client.KilnClient;
import dev.kiln.protocol.ProtocolJson;
import dev.kiln.store.ContentAddress;
import dev.kiln.store.Hash;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.nar.NarWriter;
import dev.kiln.store.narinfo.NarInfo;
import dev.kiln.store.narinfo.NixPublicKey;
import dev.kiln.testing.RealNix;
import dev.kiln.testing.StateDirectories;

/**
 * {@code kiln build submit} uploads the input sources the coordinator lacks, found in the store directory or beside
 * the derivation file, so that they are served from the binary cache as real Nix has them: content-addressed sources,
 * and paths that are not (outputs built earlier, brought in by {@code builtins.storePath}) from the store directory
 * with the references found by scanning; a missing source stops the submit before anything is sent.
 */
class SubmitSourcesTest {

    private static final Path temporary = StateDirectories.create("kiln-submit-sources-");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static RealNix nix;
    private static StoreDir store;
    private static RunningCoordinator coordinator;
    private static String url;
    private static String stateDir;

    @BeforeAll
    static void start() throws Exception {
        nix = RealNix.require(Files.createDirectories(temporary.resolve("nix")));
        store = nix.directoryStoreDir();
        stateDir = temporary.resolve("state").toString();
        coordinator = new RunningCoordinator(temporary.resolve("state"), "--store-dir", store.path());
        url = coordinator.clientApi().toString();
    }

    @AfterAll
    static void stop() throws Exception {
        RunningCoordinator.stop(coordinator, temporary);
    }

    @Test
    void sourcesInTheStoreAreServedAsNixHasThemAndRealNixSubstitutesThem() throws Exception {
        Path sources = Files.createDirectories(nix.directory().resolve("in-store"));
        Files.writeString(sources.resolve("build.sh"), "echo building > $out\n");
        Files.writeString(sources.resolve("helper.sh"), "echo helping\n");
        Files.createDirectories(sources.resolve("tree/sub"));
        Files.writeString(sources.resolve("tree/sub/data.txt"), "data\n");
        String drv = instantiate(sources, """
                let greeting = builtins.toFile "greeting" "run ${./helper.sh} first";
                in [ (derivation { name = "with-sources"; system = "x86_64-linux"; builder = "/bin/sh";
                       args = [ ./build.sh greeting (builtins.path { path = ./tree; name = "tree"; }) ]; }) ]
                """);
        Derivation derivation = Derivation.parse(store.parsePath(drv), Files.readAllBytes(Path.of(drv)));
        assertEquals(3, derivation.inputSrcs().size(), derivation.inputSrcs().toString());
        StorePath helper = pathNamed(Path.of(store.path()), "helper.sh");
        assertFalse(derivation.inputSrcs().contains(helper), "the helper is only a reference of the greeting");

        Run submitted = kiln("build", "submit", drv, "--coordinator", url, "--state-dir", stateDir, "--json");
        assertEquals(0, submitted.exit(), submitted.err());
        assertEquals("", submitted.err(), "no progress bars: stderr is no terminal");
        assertTrue(submitted.out().contains("\"derivation\":\"" + drv + "\""), submitted.out());

        String publicKey = kiln("cache", "public-key", "--coordinator", url).out().strip();
        List<StorePath> expected = new java.util.ArrayList<>(derivation.inputSrcs());
        expected.add(helper);
        for (StorePath source : expected) {
            NarInfo served = servedNarInfo(source).orElseThrow(() -> new AssertionError(source + " is not served"));
            Map<?, ?> reference = pathInfo(source);
            assertEquals(Hash.parse((String) reference.get("narHash")), served.narHash(), source + ": NarHash");
            assertEquals(NarWriter.digest(Path.of(source.toString())).narHash(), served.narHash(), source + ": NarHash");
            assertEquals(((Number) reference.get("narSize")).longValue(), served.narSize(), source + ": NarSize");
            assertEquals(new TreeSet<>((List<?>) reference.get("references")),
                    new TreeSet<>(served.references().stream().map(StorePath::toString).toList()), source + ": references");
            assertEquals(Optional.of(ContentAddress.parse((String) reference.get("ca"))).map(ContentAddress::render),
                    served.ca().map(ContentAddress::render), source + ": CA");
            assertEquals(1, served.validSignatures(List.of(NixPublicKey.parse(publicKey))), source + ": signature");
        }
        assertTrue(servedNarInfo(helper).orElseThrow().references().isEmpty());
        StorePath greeting = pathNamed(Path.of(store.path()), "greeting");
        assertEquals(List.of(helper), List.copyOf(servedNarInfo(greeting).orElseThrow().references()));

        Run again = kiln("build", "submit", drv, "--coordinator", url, "--json", "--ignore-if-exists");
        assertEquals(0, again.exit(), "held sources are not uploaded again: " + again.err());

        // Real Nix, its copies gone, substitutes the sources from the coordinator's cache, signatures checked.
        nix.run("nix-store", "--store", nix.directoryStore(), "--delete", drv, greeting.toString(), helper.toString());
        assertFalse(Files.exists(Path.of(greeting.toString())));
        nix.run("nix-store", "--store", nix.directoryStore(), "--realise", greeting.toString(), "--option", "substituters",
                url + "?store=" + store.path(), "--option", "trusted-public-keys", publicKey, "--option", "require-sigs", "true");
        assertEquals("run " + helper + " first", Files.readString(Path.of(greeting.toString())));
        assertEquals("echo helping\n", Files.readString(Path.of(helper.toString())));
    }

    @Test
    void sourcesBesideTheDerivationFileAreUploadedWithAToken() throws Exception {
        String drv = withOneSource("beside", "beside.sh");
        StorePath source = pathNamed(Path.of(store.path()), "beside.sh");
        Map<?, ?> reference = pathInfo(source);
        Path elsewhere = Files.createDirectories(temporary.resolve("elsewhere"));
        Path drvFile = moveOutOfTheStore(Path.of(drv), elsewhere);
        moveOutOfTheStore(Path.of(source.toString()), elsewhere);

        Run anonymous = RunningCoordinator.withoutLocalToken(coordinator.clientApi(), () -> kiln("build", "submit", drvFile.toString(), "--coordinator", url));
        assertRefused(anonymous, "kiln: uploading the input sources the coordinator lacks needs a client token", drv);

        Run submitted = kiln("build", "submit", drvFile.toString(), "--coordinator", url, "--state-dir", stateDir);
        assertEquals(0, submitted.exit(), submitted.err());
        assertTrue(submitted.out().contains(drv), submitted.out());
        NarInfo served = servedNarInfo(source).orElseThrow(() -> new AssertionError(source + " is not served"));
        assertEquals(Hash.parse((String) reference.get("narHash")), served.narHash());
        assertEquals(ContentAddress.parse((String) reference.get("ca")).render(), served.ca().orElseThrow().render());
    }

    @Test
    void cacheVerifyFindsASourceWhoseNarWasLost() throws Exception {
        String drv = withOneSource("verified", "verified.sh");
        StorePath source = pathNamed(Path.of(store.path()), "verified.sh");
        Run submitted = kiln("build", "submit", drv, "--coordinator", url, "--state-dir", stateDir);
        assertEquals(0, submitted.exit(), submitted.err());
        NarInfo served = servedNarInfo(source).orElseThrow(() -> new AssertionError(source + " is not served"));
        Run whole = kiln("cache", "verify", "--coordinator", url);
        assertFalse(whole.out().contains(source.toString()), whole.out());

        Files.delete(Path.of(stateDir, "nars", served.url().substring("nar/".length())));
        Run broken = kiln("cache", "verify", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_FAILURE, broken.exit(), broken.out() + broken.err());
        assertTrue(broken.out().contains("missing-nar " + source + ": nars/"), broken.out());
        assertTrue(broken.out().lines().anyMatch(line -> line.matches("\\d+ paths checked, \\d+ bytes of NARs read, \\d+ faults?")),
                broken.out());
    }

    @Test
    void aMissingSourceIsOneLineAndNothingIsSubmitted() throws Exception {
        String drv = withOneSource("missing-source", "gone.sh");
        StorePath source = pathNamed(Path.of(store.path()), "gone.sh");
        moveOutOfTheStore(Path.of(source.toString()), Files.createDirectories(temporary.resolve("away")));

        Run refused = kiln("build", "submit", drv, "--coordinator", url, "--state-dir", stateDir);
        assertRefused(refused, "kiln: input source " + source.baseName() + " of "
                + drv.substring(drv.lastIndexOf('/') + 1) + " is missing", drv);
        Run listed = kiln("build", "list", "--coordinator", url, "--json");
        assertFalse(listed.out().contains(drv), listed.out());
    }

    @Test
    void aSourceWhoseContentChangedIsRefused() throws Exception {
        String drv = withOneSource("changed-source", "changed.sh");
        StorePath source = pathNamed(Path.of(store.path()), "changed.sh");
        Path elsewhere = Files.createDirectories(temporary.resolve("changed"));
        Path drvFile = moveOutOfTheStore(Path.of(drv), elsewhere);
        Files.writeString(moveOutOfTheStore(Path.of(source.toString()), elsewhere), "echo after > $out\n");

        Run refused = kiln("build", "submit", drvFile.toString(), "--coordinator", url, "--state-dir", stateDir);
        assertRefused(refused, "kiln: input source " + elsewhere.resolve(source.baseName()) + " does not match its store path "
                + source, drv);
        assertTrue(servedNarInfo(source).isEmpty(), "nothing was uploaded");
    }

    @Test
    void anOutputBuiltEarlierIsUploadedFromTheStoreWithItsReferencesAndBuilt() throws Exception {
        String system = "kiln-test-built-earlier";
        StorePath thing = builtEarlier("thing", """
                let dependency = derivation { name = "dependency"; system = "x86_64-linux"; builder = "/bin/sh";
                      args = [ "-c" "echo depended on > $out" ]; };
                in [ (derivation { name = "thing"; system = "x86_64-linux"; builder = "/bin/sh";
                       args = [ "-c" "/bin/mkdir $out && echo ${dependency} $out > $out/refers" ]; }) ]
                """);
        StorePath dependency = pathNamed(Path.of(store.path()), "dependency");
        String drv = usingStorePath("uses-thing", system, thing);
        Derivation derivation = Derivation.parse(store.parsePath(drv), Files.readAllBytes(Path.of(drv)));
        assertEquals(List.of(thing), List.copyOf(derivation.inputSrcs()), "the dependency is only a reference of the thing");
        assertFalse(pathInfo(thing).containsKey("ca"), "Nix built the thing: it is not content-addressed");

        Run anonymous = RunningCoordinator.withoutLocalToken(coordinator.clientApi(), () -> kiln("build", "submit", drv, "--coordinator", url));
        assertRefused(anonymous, "kiln: uploading the input sources the coordinator lacks needs a client token", drv);
        Run submitted = kiln("build", "submit", drv, "--coordinator", url, "--state-dir", stateDir, "--json");
        assertEquals(0, submitted.exit(), submitted.err());
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(submitted.out());
        assertTrue(id.find(), submitted.out());

        String publicKey = kiln("cache", "public-key", "--coordinator", url).out().strip();
        for (StorePath path : List.of(thing, dependency)) {
            NarInfo served = servedNarInfo(path).orElseThrow(() -> new AssertionError(path + " is not served"));
            Map<?, ?> reference = pathInfo(path);
            assertEquals(Hash.parse((String) reference.get("narHash")), served.narHash(), path + ": NarHash");
            assertEquals(((Number) reference.get("narSize")).longValue(), served.narSize(), path + ": NarSize");
            assertEquals(new TreeSet<>((List<?>) reference.get("references")),
                    new TreeSet<>(served.references().stream().map(StorePath::toString).toList()), path + ": references");
            assertEquals(Optional.empty(), served.ca(), path + ": CA");
            assertEquals(1, served.validSignatures(List.of(NixPublicKey.parse(publicKey))), path + ": signature");
        }
        assertEquals(Set.of(dependency, thing), Set.copyOf(servedNarInfo(thing).orElseThrow().references()),
                "the thing refers to the dependency and to itself");

        KilnAgentClient agent = coordinator.agent(system);
        assertEquals(UUID.fromString(id.group(1)), RunningCoordinator.fetch(agent, system, id.group(1)));

        // Real Nix, its copies gone, substitutes the thing and its dependency from the coordinator's cache.
        nix.run("nix-store", "--store", nix.directoryStore(), "--delete", drv, thing.toString(), dependency.toString());
        assertFalse(Files.exists(Path.of(thing.toString())));
        nix.run("nix-store", "--store", nix.directoryStore(), "--realise", thing.toString(), "--option", "substituters",
                url + "?store=" + store.path(), "--option", "trusted-public-keys", publicKey, "--option", "require-sigs", "true");
        assertEquals(dependency + " " + thing + "\n", Files.readString(Path.of(thing.toString(), "refers")));
        assertEquals("depended on\n", Files.readString(Path.of(dependency.toString())));
    }

    @Test
    void anOutputBuiltEarlierThatIsGoneIsOneLineAndNothingIsSubmitted() throws Exception {
        StorePath gone = builtEarlierFile("gone-output");
        String drv = usingStorePath("uses-gone-output", "kiln-test-gone", gone);
        moveOutOfTheStore(Path.of(gone.toString()), Files.createDirectories(temporary.resolve("gone-away")));

        Run refused = kiln("build", "submit", drv, "--coordinator", url, "--state-dir", stateDir);
        assertRefused(refused, "kiln: input source " + gone.baseName() + " of "
                + drv.substring(drv.lastIndexOf('/') + 1) + " is missing", drv);
        assertTrue(servedNarInfo(gone).isEmpty(), "nothing was uploaded");
    }

    @Test
    void anOutputBuiltEarlierOnlyBesideTheDerivationFileIsRefused() throws Exception {
        StorePath output = builtEarlierFile("beside-output");
        String drv = usingStorePath("uses-beside-output", "kiln-test-beside", output);
        Path elsewhere = Files.createDirectories(temporary.resolve("beside-output"));
        Path drvFile = moveOutOfTheStore(Path.of(drv), elsewhere);
        moveOutOfTheStore(Path.of(output.toString()), elsewhere);

        Run refused = kiln("build", "submit", drvFile.toString(), "--coordinator", url, "--state-dir", stateDir);
        assertRefused(refused, "kiln: input source " + elsewhere.resolve(output.baseName())
                + " does not match its store path " + output, drv);
        assertTrue(refused.err().contains("not a source is taken only from " + store.path() + ", where it is missing"),
                refused.err());
        assertTrue(servedNarInfo(output).isEmpty(), "nothing was uploaded");
    }

    /** Builds the one derivation of the expression with real Nix, and returns its output. */
    private static StorePath builtEarlier(String name, String expression) throws Exception {
        String drv = instantiate(Files.createDirectories(nix.directory().resolve(name)), expression);
        return store.parsePath(nix.run("nix-store", "--store", nix.directoryStore(), "--realise", drv).strip());
    }

    /** An output built with real Nix: a file of this name that refers to nothing. */
    private static StorePath builtEarlierFile(String name) throws Exception {
        return builtEarlier(name, "[ (derivation { name = \"" + name + "\"; system = \"x86_64-linux\"; builder = \"/bin/sh\";"
                + " args = [ \"-c\" \"echo " + name + " > $out\" ]; }) ]");
    }

    /** A derivation for the system that brings in an existing store path with {@code builtins.storePath}. */
    private static String usingStorePath(String name, String system, StorePath path) throws Exception {
        return instantiate(Files.createDirectories(nix.directory().resolve(name)), "[ (derivation { name = \"" + name
                + "\"; system = \"" + system + "\"; builder = \"/bin/sh\"; args = [ \"-c\" \"echo ${builtins.storePath "
                + path + "} > $out\" ]; }) ]");
    }

    /** A derivation whose one input source is a script of this name. */
    private static String withOneSource(String name, String script) throws Exception {
        Path sources = Files.createDirectories(nix.directory().resolve(name));
        Files.writeString(sources.resolve(script), "echo " + name + " > $out\n");
        return instantiate(sources, "[ (derivation { name = \"" + name
                + "\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ ./" + script + " ]; }) ]");
    }

    /** The submit failed with one line that starts so, and the derivation was not submitted. */
    private static void assertRefused(Run refused, String start, String drv) throws Exception {
        assertEquals(KilnCommandLine.EXIT_FAILURE, refused.exit(), refused.out());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().startsWith(start), refused.err());
        assertEquals(List.of(drv), client().missingDerivations(List.of(drv)), "nothing was submitted");
    }

    private static String instantiate(Path directory, String expression) throws Exception {
        Path file = Files.writeString(directory.resolve("default.nix"), expression);
        List<String> drvs = nix.run("nix-instantiate", "--store", nix.directoryStore(), file.toString()).lines().toList();
        assertEquals(1, drvs.size(), drvs.toString());
        return drvs.get(0);
    }

    /** The one store path whose name is this. */
    private static StorePath pathNamed(Path directory, String name) throws Exception {
        try (var files = Files.list(directory)) {
            List<Path> found = files.filter(file -> file.getFileName().toString().endsWith("-" + name)).toList();
            assertEquals(1, found.size(), "paths named " + name + ": " + found);
            return store.parseBaseName(found.get(0).getFileName().toString());
        }
    }

    /** Moves a file (Nix leaves it read-only) out of the store into a directory; Nix's database still lists it. */
    private static Path moveOutOfTheStore(Path file, Path directory) throws Exception {
        Path target = directory.resolve(file.getFileName());
        Files.copy(file, target);
        target.toFile().setWritable(true);
        Files.delete(file);
        return target;
    }

    private static Map<?, ?> pathInfo(StorePath path) throws Exception {
        String json = nix.run("nix", "path-info", "--json", "--store", nix.directoryStore(), path.toString());
        List<?> infos = ProtocolJson.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), List.class);
        return (Map<?, ?>) infos.get(0);
    }

    private static Optional<NarInfo> servedNarInfo(StorePath path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/" + path.hashPart() + ".narinfo"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        assertEquals(200, response.statusCode(), response.body());
        return Optional.of(NarInfo.parse(store, response.body()));
    }

    private static KilnClient client() {
        return new KilnClient(URI.create(url));
    }
}
