package dev.kiln.cli.internal;

import picocli.CommandLine.Command;

@Command(name = "kiln",
        mixinStandardHelpOptions = true,
        versionProvider = KilnVersion.class,
        description = "Kiln, a build farm coordinator for Nix and Guix derivations.",
        subcommandsRepeatable = false)
final class KilnCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
