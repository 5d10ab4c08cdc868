package dev.kiln.cli.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln token new}: a client API token. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage client API tokens.",
        subcommands = TokenCommand.New.class)
final class TokenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a token command is required");
    }

    @Command(name = "new", mixinStandardHelpOptions = true, description = "Create a client token; it is shown only now.")
    static final class New implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() throws IOException {
            String token = options.client().createToken();
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                Output.json(out, Map.of("token", token));
            } else {
                out.println(token);
                out.flush();
            }
            return 0;
        }
    }
}
