package dev.kiln.cli.internal;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.kiln.store.derivation.DerivationFormatException;
import dev.kiln.store.tools.StoreCommands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kiln store ...}: the store formats, without a coordinator. */
@Command(name = "store", mixinStandardHelpOptions = true, description = "Work with store paths, NARs, derivations and keys.",
        subcommands = {StoreCommand.Dump.class, StoreCommand.Hash.class, StoreCommand.ShowDerivation.class,
                StoreCommand.CheckDerivation.class, StoreCommand.GenerateKey.class})
final class StoreCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a store command is required");
    }

    @Command(name = "dump", mixinStandardHelpOptions = true, description = "Write the NAR of a file tree to standard output.")
    static final class Dump implements Callable<Integer> {
        @Parameters(paramLabel = "PATH", description = "A file, link or directory.")
        Path path;

        @Override
        public Integer call() throws IOException {
            // The NAR goes to the raw descriptor: System.out would add a lock and a second buffer per write.
            OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
            StoreCommands.dump(path, out);
            out.flush();
            return 0;
        }
    }

    @Command(name = "hash", mixinStandardHelpOptions = true, description = "Print the SHA-256 of the NAR of a file tree.")
    static final class Hash implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "PATH", description = "A file, link or directory.")
        Path path;

        @Override
        public Integer call() throws IOException {
            spec.commandLine().getOut().println(StoreCommands.hash(path));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "show-derivation", mixinStandardHelpOptions = true,
            description = "Print derivations as JSON, as nix show-derivation does.")
    static final class ShowDerivation implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "FILE.drv")
        List<Path> files;

        @Override
        public Integer call() throws IOException {
            try {
                spec.commandLine().getOut().print(StoreCommands.showDerivation(files));
                spec.commandLine().getOut().flush();
            } catch (DerivationFormatException e) {
                throw new CommandFailedException(e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "check-derivation", mixinStandardHelpOptions = true,
            description = "Check that each derivation's path and output paths are the ones its text implies.")
    static final class CheckDerivation implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "FILE.drv")
        List<Path> files;

        @Override
        public Integer call() {
            List<String> problems = StoreCommands.checkDerivations(files);
            PrintWriter err = spec.commandLine().getErr();
            problems.forEach(problem -> err.println("kiln: " + problem));
            err.flush();
            return problems.isEmpty() ? 0 : KilnCommandLine.EXIT_FAILURE;
        }
    }

    @Command(name = "generate-key", mixinStandardHelpOptions = true,
            description = "Make an ed25519 signing key: NAME.secret and NAME.public, as Nix makes them.")
    static final class GenerateKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "The key's name, such as cache.example.org-1.")
        String name;
        @Option(names = "--directory", paramLabel = "DIR", description = "Where to write the files (default: the current directory).")
        Path directory = Path.of("");

        @Override
        public Integer call() throws IOException {
            StoreCommands.KeyFiles files;
            try {
                files = StoreCommands.generateKey(name, directory.toAbsolutePath());
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException(e.getMessage());
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new CommandFailedException(e.getFile() + " exists already");
            }
            spec.commandLine().getOut().println(files.publicKey());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
