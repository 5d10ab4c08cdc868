package dev.kiln.cli.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

import dev.kiln.protocol.TokenAnswer;
import dev.kiln.protocol.TokenInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln token new|list|revoke}: client API tokens. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage client API tokens.",
        subcommands = {TokenCommand.New.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
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
        @Option(names = "--label", paramLabel = "LABEL",
                description = "What the token is for, such as ci (letters, digits, ._@:+-; up to 64).")
        String label;

        @Override
        public Integer call() throws IOException {
            TokenAnswer token = options.client().createToken(label);
            Output.print(spec, options, token, out -> out.println(token.token()));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the client tokens, oldest first: id, creation time and label, never the token.")
    static final class ListTokens implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() throws IOException {
            List<TokenInfo> tokens = options.client().tokens();
            Output.print(spec, options, tokens, out -> tokens.forEach(token -> out.println(line(token))));
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a client token: it is refused from the next request on.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "ID|LABEL", description = "The token's id (kiln token list), or a label only it has.")
        String token;

        @Override
        public Integer call() throws IOException {
            TokenInfo revoked = options.client().revokeToken(token);
            Output.print(spec, options, revoked, out -> out.println("revoked " + line(revoked)));
            return 0;
        }
    }

    private static String line(TokenInfo token) {
        return String.format("%-8s  %-20s  %s", token.id(), token.created() == null ? "(unknown)" : token.created(),
                token.label() == null ? "" : token.label()).stripTrailing();
    }
}
