package dev.kiln.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

/**
 * A command line gets only the model of the command it names, and reads the same as with every command's model: the
 * help, the version, mistakes. The class cache's training run reaches its stand-in coordinator.
 */
class CommandModelTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run kiln(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = KilnCommandLine.withoutFramework(new PrintWriter(out, true), new PrintWriter(err, true)).run(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theVersionComesFromTheBundle() {
        for (String option : new String[] {"--version", "-V"}) {
            Run version = kiln(option);
            assertEquals(0, version.exit(), version.err());
            assertTrue(version.out().matches("kiln 0\\.1\\.0\\S*\\s*"), version.out());
        }
    }

    @Test
    void aNamedSubcommandReadsAsInTheWholeModel() {
        Run help = kiln("build", "counts", "--help");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().startsWith("Usage: kiln build counts "), help.out());

        Run unknownOption = kiln("build", "counts", "--no-such-option");
        assertEquals(KilnCommandLine.EXIT_USAGE, unknownOption.exit());
        assertTrue(unknownOption.err().contains("Run 'kiln build counts --help' for usage."), unknownOption.err());

        Run unreachable = kiln("agent", "list", "--coordinator", "http://127.0.0.1:1");
        assertEquals(KilnCommandLine.EXIT_UNREACHABLE, unreachable.exit(), unreachable.err());
    }

    @Test
    void aGroupWithoutANamedSubcommandListsThemAll() {
        Run help = kiln("build", "--help");
        assertEquals(0, help.exit(), help.err());
        for (String subcommand : new String[] {"submit", "list", "show", "cancel", "counts"}) {
            assertTrue(help.out().contains("  " + subcommand + " "), subcommand + " in " + help.out());
        }
        Run typo = kiln("build", "cuonts");
        assertEquals(KilnCommandLine.EXIT_USAGE, typo.exit());
        assertTrue(typo.err().contains("cuonts"), typo.err());

        Run top = kiln("--help");
        assertEquals(0, top.exit(), top.err());
        assertTrue(top.out().contains("  jobset ") && top.out().contains("  coordinator "), top.out());
    }

    @Test
    void theTrainingRunSendsTheClientCommandsToItsStandInCoordinator() throws Exception {
        assertTrue(KilnTraining.train() >= 5, "the client commands reached the stand-in coordinator");
    }
}
