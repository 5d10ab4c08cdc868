import dev.kiln.store.Hash;
import dev.kiln.store.HashAlgorithm;
import dev.kiln.store.StoreDir;
import dev.kiln.store.StorePath;
import dev.kiln.store.derivation.Derivation;
import dev.kiln.store.derivation.DerivationHasher;
import dev.kiln.store.derivation.DerivationOutput;
import dev.kiln.store.nar.NarDigest;
import dev.kiln.store.nar.NarWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Measures the store formats of dev.kiln.store; run with the bundle's
 * classes on the class path (see run.sh).
 *
 * <pre>
 * java StoreBenchmark.java nar DIR [RUNS]   NAR serialisation + SHA-256 of a tree
 * java StoreBenchmark.java drv COUNT [RUNS] parsing and checking COUNT .drv texts
 * </pre>
 */
public final class StoreBenchmark {

    public static void main(String[] arguments) throws Exception {
        switch (arguments.length > 0 ? arguments[0] : "") {
            case "nar" -> nar(Path.of(arguments[1]), arguments.length > 2 ? Integer.parseInt(arguments[2]) : 3);
            case "drv" -> drv(Integer.parseInt(arguments[1]), arguments.length > 2 ? Integer.parseInt(arguments[2]) : 3);
            default -> {
                System.err.println("usage: StoreBenchmark nar DIR [RUNS] | drv COUNT [RUNS]");
                System.exit(2);
            }
        }
    }

    /** CPU time of the whole process (all threads, the collector's included), which other loads on the machine do not inflate. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void nar(Path tree, int runs) throws Exception {
        for (int run = 1; run <= runs; run++) {
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            NarDigest digest = NarWriter.digest(tree);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            System.out.printf("kiln nar+sha256 run %d: %.2f s, %.0f MB/s (CPU %.2f s), %d bytes, sha256 %s%n", run, seconds,
                    digest.narSize() / seconds / 1e6, cpuSeconds, digest.narSize(), digest.narHash().toBase16());
        }
    }

    /**
     * Generates a derivation graph the way nix-instantiate would (each
     * derivation has up to four inputs among the earlier ones, a source, a
     * realistic environment, and the output paths Nix would compute), then
     * times parsing every text and checking it: output paths, environment
     * and .drv path.
     */
    private static void drv(int count, int runs) throws Exception {
        StoreDir storeDir = StoreDir.NIX;
        Random random = new Random(1);
        Map<StorePath, byte[]> texts = new HashMap<>();
        Map<StorePath, Derivation> generated = new HashMap<>();
        List<StorePath> order = new ArrayList<>();
        DerivationHasher generator = new DerivationHasher(generated::get);
        StorePath source = storeDir.sourcePath("builder.sh", Hash.of(HashAlgorithm.SHA256, "source"), List.of());
        for (int i = 0; i < count; i++) {
            String name = "package-" + i + "-1.0";
            SortedMap<StorePath, SortedSet<String>> inputs = new TreeMap<>();
            for (int k = Math.min(i, random.nextInt(5)); k > 0; k--) {
                inputs.put(order.get(random.nextInt(order.size())), new TreeSet<>(List.of("out")));
            }
            SortedMap<String, String> env = new TreeMap<>();
            env.put("name", name);
            env.put("system", "x86_64-linux");
            env.put("builder", "/bin/sh");
            env.put("src", source.toString());
            env.put("configureFlags", "--prefix=$out --enable-shared --disable-static --with-package-" + i);
            env.put("buildInputs", String.join(" ", inputs.keySet().stream().map(StorePath::toString).toList()));
            env.put("out", "");
            env.put("dev", "");
            SortedMap<String, DerivationOutput> placeholders = new TreeMap<>();
            StorePath placeholder = storeDir.parseBaseName("00000000000000000000000000000000-" + name);
            placeholders.put("out", new DerivationOutput.InputAddressed(placeholder));
            placeholders.put("dev", new DerivationOutput.InputAddressed(placeholder));
            Derivation masked = new Derivation(storeDir, name, placeholders, inputs, new TreeSet<>(List.of(source)), "x86_64-linux",
                    "/bin/sh", List.of("-e", source.toString()), env);
            SortedMap<String, StorePath> outputPaths = generator.outputPaths(masked);
            SortedMap<String, DerivationOutput> outputs = new TreeMap<>();
            outputPaths.forEach((output, path) -> {
                outputs.put(output, new DerivationOutput.InputAddressed(path));
                env.put(output, path.toString());
            });
            Derivation derivation = new Derivation(storeDir, name, outputs, inputs, masked.inputSrcs(), masked.system(), masked.builder(),
                    masked.args(), env);
            StorePath drvPath = derivation.drvPath();
            generated.put(drvPath, derivation);
            texts.put(drvPath, derivation.toAterm());
            order.add(drvPath);
        }
        generated.clear();
        long bytes = texts.values().stream().mapToLong(text -> text.length).sum();
        System.out.printf("generated %d .drv texts, %.0f bytes on average%n", count, (double) bytes / count);

        for (int run = 1; run <= runs; run++) {
            // A fresh hasher per run, as for a submitted closure: checking a derivation caches its hash for its dependents.
            DerivationHasher hasher = new DerivationHasher(path -> Derivation.parse(path, texts.get(path)));
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            for (StorePath drvPath : order) {
                hasher.parseAndCheck(drvPath, texts.get(drvPath));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            System.out.printf("kiln parse+check run %d: %d .drv in %.2f s, %.0f .drv/s; CPU %.2f s, %.0f .drv per CPU second%n", run,
                    count, seconds, count / seconds, cpuSeconds, count / cpuSeconds);
        }
    }
}
