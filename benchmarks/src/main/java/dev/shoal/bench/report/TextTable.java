package dev.shoal.bench.report;

import java.util.List;
import java.util.Map;

/**
 * The readable table printed without {@code --json}: one row per line, skips with their reason.
 */
public final class TextTable
{
    private TextTable()
    {
    }

    /**
     * @param lines result lines.
     * @return the table.
     */
    public static String render(final List<Map<String, Object>> lines)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-18s %-40s %10s %21s %9s %9s %9s %s%n", "workload", "impl", "ops/s", "min..max",
            "p50 ns", "p99 ns", "p99.9 ns", "notes"));
        for (final Map<String, Object> line : lines)
        {
            final String workload = String.valueOf(line.get("workload"));
            final String label = Lines.label(line);
            if (Lines.isSkipped(line))
            {
                sb.append(String.format("%-18s %-40s %10s %21s %9s %9s %9s skipped: %s%n", workload, label, "-", "",
                    "", "", "", line.get("skipped")));
                continue;
            }
            final String range = Lines.human(Lines.number(line, "ops_per_s_min")) + ".." +
                Lines.human(Lines.number(line, "ops_per_s_max"));
            sb.append(String.format("%-18s %-40s %10s %21s %9s %9s %9s %s%n", workload, label,
                Lines.human(Lines.number(line, "ops_per_s")), range, latency(line, "p50_ns"),
                latency(line, "p99_ns"), latency(line, "p999_ns"), notes(line)));
        }
        return sb.toString();
    }

    private static String latency(final Map<String, Object> line, final String key)
    {
        final double v = Lines.number(line, key);
        return Double.isNaN(v) ? "" : String.format("%.0f", v);
    }

    private static String notes(final Map<String, Object> line)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String key : new String[]{ "producers", "consumers", "size_bytes", "records", "pinned",
            "scaling" })
        {
            if (line.containsKey(key))
            {
                sb.append(key).append('=').append(line.get(key)).append(' ');
            }
        }
        return sb.toString().trim();
    }
}
