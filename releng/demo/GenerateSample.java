import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationHasher;
import dev.kiln.store.derivation.DerivationOutput;

/**
 * Writes the demo's sample derivation graph for a store directory: the {@code .drv} files that
 * {@code nix-instantiate} would make of the same derivations, with builders that need only {@code /bin}. Run from the
 * repository root after a build, for the store directory releng/demo/run uses:
 * <pre>
 * java -cp bundles/dev.kiln.store/target/classes releng/demo/GenerateSample.java /tmp/kiln-demo/store releng/demo/sample
 * </pre>
 */
public final class GenerateSample {

    private static final String SYSTEM = "x86_64-linux";
    private static final String SHELL = "/bin/sh";

    private final StoreDir storeDir;
    private final Map<StorePath, Derivation> written = new HashMap<>();
    private final DerivationHasher hasher = new DerivationHasher(path -> written.get(path));

    private GenerateSample(StoreDir storeDir) {
        this.storeDir = storeDir;
    }

    public static void main(String[] arguments) throws Exception {
        if (arguments.length != 2) {
            System.err.println("usage: GenerateSample STORE-DIR OUTPUT-DIRECTORY");
            System.exit(2);
        }
        Path directory = Files.createDirectories(Path.of(arguments[1]));
        try (Stream<Path> old = Files.list(directory)) {
            for (Path file : old.filter(file -> file.toString().endsWith(".drv")).toList()) {
                Files.delete(file);
            }
        }
        GenerateSample sample = new GenerateSample(new StoreDir(arguments[0]));
        sample.generate();
        for (Derivation derivation : sample.written.values()) {
            Files.write(directory.resolve(derivation.drvPath().baseName()), derivation.toAterm());
        }
    }

    private void generate() throws Exception {
        Derivation greeting = derivation("kiln-sample-greeting", List.of("out", "doc"), Map.of(),
                "/bin/mkdir -p $out $doc; /bin/echo 'Hello from Kiln' > $out/greeting;"
                        + " /bin/echo 'A sample built by a Kiln agent' > $doc/README");
        Map<Derivation, String> inputs = new LinkedHashMap<>();
        inputs.put(greeting, "out");
        List<String> words = new ArrayList<>();
        for (String word : List.of("derivations", "agents", "outputs", "cache")) {
            Derivation wordDerivation = derivation("kiln-sample-word-" + word, List.of("out"), Map.of(),
                    "/bin/echo " + word + " > $out");
            inputs.put(wordDerivation, "out");
            words.add(output(wordDerivation, "out"));
        }
        Derivation sentence = derivation("kiln-sample-sentence", List.of("out"), inputs,
                "/bin/cat " + output(greeting, "out") + "/greeting " + String.join(" ", words) + " > $out");
        derivation("kiln-sample", List.of("out"), Map.of(sentence, "out", greeting, "doc"),
                "/bin/mkdir $out; /bin/cp " + output(sentence, "out") + " $out/sentence; /bin/ln -s "
                        + output(greeting, "doc") + "/README $out/README; /bin/cat $out/sentence");
    }

    private static String output(Derivation derivation, String name) {
        return derivation.outputs().get(name).path().orElseThrow().toString();
    }

    /** Makes a derivation with input-addressed outputs, the paths its text implies, and records it. */
    private Derivation derivation(String name, List<String> outputNames, Map<Derivation, String> inputs, String script)
            throws Exception {
        SortedMap<StorePath, SortedSet<String>> inputDrvs = new TreeMap<>();
        inputs.forEach((input, output) -> inputDrvs.computeIfAbsent(input.drvPath(), ignored -> new TreeSet<>()).add(output));
        List<String> args = List.of("-c", script);
        // Output paths hash the text with the outputs blanked: any path will do until they are known.
        StorePath placeholder = storeDir.parseBaseName("0".repeat(32) + "-" + name);
        SortedMap<String, DerivationOutput> blank = new TreeMap<>();
        outputNames.forEach(output -> blank.put(output, new DerivationOutput.InputAddressed(placeholder)));
        SortedMap<String, StorePath> paths = hasher.outputPaths(make(name, blank, inputDrvs, args, outputNames, Map.of()));
        SortedMap<String, DerivationOutput> outputs = new TreeMap<>();
        paths.forEach((output, path) -> outputs.put(output, new DerivationOutput.InputAddressed(path)));
        Derivation derivation = make(name, outputs, inputDrvs, args, outputNames, paths);
        hasher.check(derivation, derivation.drvPath());
        written.put(derivation.drvPath(), derivation);
        return derivation;
    }

    private Derivation make(String name, SortedMap<String, DerivationOutput> outputs,
            SortedMap<StorePath, SortedSet<String>> inputDrvs, List<String> args, List<String> outputNames,
            Map<String, StorePath> paths) {
        SortedMap<String, String> env = new TreeMap<>();
        env.put("builder", SHELL);
        env.put("name", name);
        env.put("system", SYSTEM);
        if (outputNames.size() > 1) {
            env.put("outputs", String.join(" ", outputNames));
        }
        outputNames.forEach(output -> env.put(output, paths.containsKey(output) ? paths.get(output).toString() : ""));
        return new Derivation(storeDir, name, outputs, inputDrvs, new TreeSet<>(), SYSTEM, SHELL, args, env);
    }
}
