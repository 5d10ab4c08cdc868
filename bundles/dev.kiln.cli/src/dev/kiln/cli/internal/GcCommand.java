package dev.kiln.cli.internal;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.kiln.protocol.GcReportInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln gc [--dry-run]}: runs the binary cache's garbage collector now, or says what it would remove. */
@Command(name = "gc", mixinStandardHelpOptions = true, description = {
        "Apply the coordinator's retention policy now (kiln coordinator --keep-evaluations, --keep-days, "
                + "--storage-limit, --keep-logs-days, --keep-events-days): remove the paths it does not keep, their "
                + "NARs, and logs and events past their age.",
        "Submissions and fetches go on meanwhile. With --dry-run, only list the paths that would go and their bytes."})
final class GcCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions options;

    @Option(names = "--dry-run", description = "Remove nothing: list what would go.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
        GcReportInfo report = options.client().collectGarbage(dryRun);
        Output.print(spec, options, report, out -> {
            report.paths().forEach(out::println);
            out.println((report.dryRun() ? "would remove " : "removed ") + report.paths().size() + " paths, "
                    + report.objects() + " NARs, " + report.bytes() + " bytes"
                    + (report.dryRun() ? "" : ", " + report.logs() + " logs, " + report.events() + " events")
                    + "; kept " + report.keptPaths() + " paths, " + report.keptBytes() + " bytes ("
                    + String.format(Locale.ROOT, "%.1f s", report.durationSeconds()) + ")");
        });
        return 0;
    }
}
