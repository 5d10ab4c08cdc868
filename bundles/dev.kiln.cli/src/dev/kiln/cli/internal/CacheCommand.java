package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.kiln.protocol.CacheFaultInfo;
import dev.kiln.protocol.CacheInfo;
import dev.kiln.protocol.CacheReportInfo;
import dev.kiln.store.narinfo.NixSecretKey;
import dev.kiln.store.tools.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln cache public-key}: what Nix machines put in {@code trusted-public-keys}; {@code kiln cache rotate-key}:
 * a new signing key, the old one kept signing; {@code kiln cache verify}: whether every served path can be fetched
 * whole.
 */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "The coordinator's binary cache.",
        subcommands = {CacheCommand.PublicKey.class, CacheCommand.RotateKey.class, CacheCommand.Verify.class})
final class CacheCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a cache command is required");
    }

    @Command(name = "public-key", mixinStandardHelpOptions = true,
            description = "Print the key the cache signs with, for Nix's trusted-public-keys.")
    static final class PublicKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() throws IOException {
            CacheInfo cache = options.client().cache();
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, cache);
            } else {
                out.println(cache.publicKey());
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every path the cache serves: its NAR is in the store with the size and hash its "
                    + "narinfo gives, and every path it refers to is served. Exits 1 on any fault.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() throws IOException {
            CacheReportInfo report = options.client().verifyCache();
            Output.print(spec, options, report, out -> {
                for (CacheFaultInfo fault : report.faults()) {
                    out.println(fault.kind() + " " + fault.path() + ": " + fault.detail());
                }
                out.println(report.paths() + " paths checked, " + report.narBytes() + " bytes of NARs read, "
                        + report.faults().size() + (report.faults().size() == 1 ? " fault" : " faults"));
            });
            return report.faults().isEmpty() ? 0 : KilnCommandLine.EXIT_FAILURE;
        }
    }

    @Command(name = "rotate-key", mixinStandardHelpOptions = true, description = {
            "Make a new signing key for the binary cache in a coordinator's state directory; the coordinator signs "
                    + "with it from its next start.",
            "The key before it is kept in keys/previous/ and signs too, so that Nix machines that trust only the old "
                    + "key keep substituting. Once they all trust the new key, delete keys/previous/NAME.secret."})
    static final class RotateKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--state-dir", paramLabel = "DIR", required = true,
                description = "The coordinator's state directory.")
        Path stateDir;
        @Option(names = "--key-name", paramLabel = "NAME",
                description = "The new key's name (default: the old one's with its number raised, host-1 to host-2).")
        String keyName;

        @Override
        public Integer call() throws IOException {
            Path keys = stateDir.resolve("keys");
            NixSecretKey old = SigningKeys.current(keys);
            NixSecretKey created;
            try {
                created = SigningKeys.rotate(keys, keyName);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--key-name: " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(created.publicKey());
            out.println("(the coordinator signs with it from its next start, and with " + old.name()
                    + " until " + keys.resolve("previous").resolve(old.name() + ".secret") + " is deleted)");
            out.flush();
            return 0;
        }
    }
}
