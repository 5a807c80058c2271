package dev.shoal.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.shoal.journal.JournalStats;
import dev.shoal.journal.JournalStatus;
import dev.shoal.journal.JournalTailer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code shoal journal stats DIR}: counts a journal's results by status and worker, and its log lines.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Count a journal's results by status and by worker, and its log lines.")
public final class JournalStatsCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path dir;

    @Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final JournalStats stats;
        final Path path;
        try (JournalTailer tailer = JournalTailer.open(dir))
        {
            path = tailer.directory();
            JournalCommand.warnEmptyCycleFiles(spec, tailer);
            stats = JournalStats.of(tailer);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final Map<String, Long> byStatus = new LinkedHashMap<>();
        for (final Map.Entry<JournalStatus, Long> e : stats.resultsByStatus().entrySet())
        {
            byStatus.put(e.getKey().name().toLowerCase(), e.getValue());
        }
        if (json.enabled)
        {
            out.println(Json.object().put("journal", path.toString()).put("results", stats.results())
                .put("keyed", stats.keyed()).put("logs", stats.logs()).put("by_status", byStatus)
                .put("results_by_worker", stats.resultsByWorker()).put("logs_by_worker", stats.logsByWorker()));
        }
        else
        {
            out.printf("journal %s%n  results %,d (keyed %,d): %s%n  results by worker: %s%n  log lines %,d, by " +
                "worker: %s%n", path, stats.results(), stats.keyed(), byStatus, stats.resultsByWorker(),
                stats.logs(), stats.logsByWorker());
        }
        out.flush();
        return 0;
    }
}
