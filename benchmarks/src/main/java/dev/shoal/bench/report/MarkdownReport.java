package dev.shoal.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.shoal.bench.model.BenchOptions;

/**
 * The Markdown report: the machine and command, one table per workload with ratios against Shoal, the skipped
 * implementations with their reasons, one table per scaling dimension, and the charts.
 */
public final class MarkdownReport
{
    private static final Map<String, String> DIMENSION_FIELD = Map.of(
        "size", "size_bytes", "consumers", "consumers", "records", "records", "file", "file_bytes");

    private MarkdownReport()
    {
    }

    /**
     * @param lines      result lines.
     * @param roundTrips the placement probe's round trip (ns) measured before each workload, by workload name.
     * @param options    the run's options.
     * @param charts     chart file names written beside the report.
     * @return the Markdown text.
     */
    public static String render(final List<Map<String, Object>> lines, final Map<String, Long> roundTrips,
        final BenchOptions options, final List<String> charts)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("# Shoal cross-process benchmarks\n\n");
        sb.append("- command: `shoal bench").append(options.quick() ? " --quick" : "")
            .append(options.scaling() ? " --scaling" : "")
            .append(options.only().isEmpty() ? "" : " --only " + String.join(",", options.only())).append("`\n");
        sb.append("- machine: ").append(Machine.describe()).append("\n");
        sb.append("- harness JVM heap (it submits the pool's jobs): ").append(Machine.heapFlags())
            .append("; `bin/shoal bench` fixes and pre-touches it, so no run pays for the heap growing under it ")
            .append("(see docs/benchmarks.md).\n");
        sb.append("- ops/s is the median over the measured runs; min..max is the spread; latencies are medians of ")
            .append("per-run nearest-rank percentiles. \"x shoal\" is the implementation's rate over Shoal's ")
            .append("(above 1 means it is faster than Shoal). A Python figure is the median of ")
            .append(options.quick() ? "one run (quick)" : "its script's runs (min..max over them)")
            .append("; its latencies are that run's.\n");
        if (!roundTrips.isEmpty())
        {
            sb.append("- placement: before each workload, a short ping-pong over Agrona's one-to-one ring between two ")
                .append("pinned JVMs; its p50 round trip ranged ").append(roundTripSpread(roundTrips))
                .append(" ns in this run (-1: failed). The host's placement of the vCPUs moves every cross-process ")
                .append("figure, so compare figures across runs only at a like round trip (see docs/benchmarks.md).\n");
        }
        sb.append("\n");
        sb.append(Targets.markdown(Targets.evaluate(lines)));
        for (final Map.Entry<String, List<Map<String, Object>>> e : Lines.byWorkload(lines).entrySet())
        {
            workloadTable(sb, e.getKey(), e.getValue(), roundTrips.get(e.getKey()));
        }
        scalingTables(sb, lines);
        if (!charts.isEmpty())
        {
            sb.append("## Charts\n\n");
            for (final String chart : charts)
            {
                sb.append("![").append(chart).append("](").append(chart).append(")\n\n");
            }
        }
        return sb.toString();
    }

    private static String roundTripSpread(final Map<String, Long> roundTrips)
    {
        final long min = roundTrips.values().stream().mapToLong(Long::longValue).min().orElse(-1);
        final long max = roundTrips.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        return min == max ? Long.toString(min) : min + ".." + max;
    }

    private static void workloadTable(final StringBuilder sb, final String workload,
        final List<Map<String, Object>> lines, final Long roundTrip)
    {
        final double shoal = Lines.shoalRate(lines);
        sb.append("## ").append(workload).append("\n\n");
        if (roundTrip != null)
        {
            sb.append("Placement just before: agrona-o2o round trip p50 ").append(roundTrip).append(" ns.\n\n");
        }
        sb.append("| impl | ops/s | min..max | p50 ns | p99 ns | p99.9 ns | x shoal | processes | pinned |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        final List<String> skipped = new ArrayList<>();
        for (final Map<String, Object> line : lines)
        {
            if (Lines.isSkipped(line))
            {
                skipped.add("- " + line.get("impl") + ": " + line.get("skipped"));
                continue;
            }
            final double rate = Lines.number(line, "ops_per_s");
            sb.append("| ").append(Lines.label(line))
                .append(" | ").append(Lines.human(rate))
                .append(" | ").append(Lines.human(Lines.number(line, "ops_per_s_min"))).append("..")
                .append(Lines.human(Lines.number(line, "ops_per_s_max")))
                .append(" | ").append(cell(line, "p50_ns"))
                .append(" | ").append(cell(line, "p99_ns"))
                .append(" | ").append(cell(line, "p999_ns"))
                .append(" | ").append(Double.isNaN(shoal) ? "n/a" : String.format("%.2f", rate / shoal))
                .append(" | ").append(line.getOrDefault("processes", line.containsKey("python") ? "n/a" : "-"))
                .append(" | ").append(line.getOrDefault("pinned", "-")).append(" |\n");
        }
        sb.append('\n');
        startups(sb, lines);
        if (!skipped.isEmpty())
        {
            sb.append("Skipped:\n\n");
            skipped.forEach(s -> sb.append(s).append('\n'));
            sb.append('\n');
        }
    }

    /**
     * The start-up of runs that time it apart (chunked files: from the run's start to the first range claimed,
     * worker JVMs starting included), one line under the table.
     */
    private static void startups(final StringBuilder sb, final List<Map<String, Object>> lines)
    {
        final List<String> parts = new ArrayList<>();
        for (final Map<String, Object> line : lines)
        {
            final double seconds = Lines.number(line, "startup_s_median");
            if (!Lines.isSkipped(line) && !Double.isNaN(seconds))
            {
                parts.add(Lines.label(line) + " " + String.format("%.3f s", seconds));
            }
        }
        if (!parts.isEmpty())
        {
            sb.append("Start-up (run start to first range claimed, worker JVMs included; median): ")
                .append(String.join(", ", parts)).append("\n\n");
        }
    }

    private static String cell(final Map<String, Object> line, final String key)
    {
        final double v = Lines.number(line, key);
        return Double.isNaN(v) ? "" : String.format("%.0f", v);
    }

    /**
     * @param lines result lines.
     * @return scaling lines by dimension, then by dimension value, then by label: median ops/s.
     */
    static Map<String, Map<Long, Map<String, Double>>> scaling(final List<Map<String, Object>> lines)
    {
        final Map<String, Map<Long, Map<String, Double>>> tables = new LinkedHashMap<>();
        for (final Map<String, Object> line : lines)
        {
            final Object dimension = line.get("scaling");
            if (dimension == null || Lines.isSkipped(line) || !DIMENSION_FIELD.containsKey(dimension.toString()))
            {
                continue;
            }
            final double x = Lines.number(line, DIMENSION_FIELD.get(dimension.toString()));
            tables.computeIfAbsent(dimension.toString(), k -> new TreeMap<>())
                .computeIfAbsent((long)x, k -> new LinkedHashMap<>())
                .put(Lines.label(line), Lines.number(line, "ops_per_s"));
        }
        return tables;
    }

    private static void scalingTables(final StringBuilder sb, final List<Map<String, Object>> lines)
    {
        for (final Map.Entry<String, Map<Long, Map<String, Double>>> table : scaling(lines).entrySet())
        {
            final Set<String> labels = new LinkedHashSet<>();
            table.getValue().values().forEach(row -> labels.addAll(row.keySet()));
            sb.append("## Scaling: ").append(table.getKey()).append(" (ops/s)\n\n| ")
                .append(DIMENSION_FIELD.get(table.getKey()));
            labels.forEach(l -> sb.append(" | ").append(l));
            sb.append(" |\n| ---:");
            labels.forEach(l -> sb.append(" | ---:"));
            sb.append(" |\n");
            for (final Map.Entry<Long, Map<String, Double>> row : table.getValue().entrySet())
            {
                sb.append("| ").append(row.getKey());
                for (final String label : labels)
                {
                    sb.append(" | ").append(Lines.human(row.getValue().getOrDefault(label, Double.NaN)));
                }
                sb.append(" |\n");
            }
            sb.append('\n');
        }
    }
}
