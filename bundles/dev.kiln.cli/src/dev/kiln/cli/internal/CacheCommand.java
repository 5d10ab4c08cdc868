package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.kiln.protocol.CacheInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln cache public-key}: what Nix machines put in {@code trusted-public-keys}. */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "The coordinator's binary cache.",
        subcommands = CacheCommand.PublicKey.class)
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
}
