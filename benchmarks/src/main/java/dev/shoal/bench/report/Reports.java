package dev.shoal.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shoal.bench.model.BenchOptions;
import dev.shoal.bench.model.ResultLines;

/**
 * Writes {@code results.jsonl}, {@code results.md} and the PNG charts of a run into one directory.
 */
public final class Reports
{
    private Reports()
    {
    }

    /**
     * @param dir        output directory (created when missing).
     * @param lines      every result line of the run.
     * @param roundTrips the placement probe's round trip (ns) measured before each workload, by workload name.
     * @param options    the run's options (for the command line in the Markdown).
     * @throws IOException when a file cannot be written.
     */
    public static void write(final Path dir, final List<Map<String, Object>> lines,
        final Map<String, Long> roundTrips, final BenchOptions options) throws IOException
    {
        Files.createDirectories(dir);
        final List<String> json = new ArrayList<>();
        for (final Map<String, Object> line : lines)
        {
            json.add(ResultLines.toJson(line));
        }
        for (final Map.Entry<String, Long> e : roundTrips.entrySet())
        {
            // A line of its own kind (no impl): readers of results.jsonl that group by workload and impl skip it.
            final Map<String, Object> placement = new LinkedHashMap<>();
            placement.put("placement", "agrona-o2o-pingpong");
            placement.put("before_workload", e.getKey());
            placement.put("round_trip_p50_ns", e.getValue());
            json.add(ResultLines.toJson(placement));
        }
        Files.write(dir.resolve("results.jsonl"), json, StandardCharsets.UTF_8);
        final List<String> charts = Charts.write(dir, lines);
        Files.writeString(dir.resolve("results.md"), MarkdownReport.render(lines, roundTrips, options, charts),
            StandardCharsets.UTF_8);
    }
}
