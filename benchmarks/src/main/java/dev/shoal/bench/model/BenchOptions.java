package dev.shoal.bench.model;

import java.nio.file.Path;
import java.util.List;

/**
 * Options of a harness run.
 *
 * @param quick   fewer and shorter runs (the whole run under 3 minutes on 2 cores).
 * @param json    JSON lines on stdout instead of a table.
 * @param out     directory for results.jsonl, results.md and PNG charts, or null.
 * @param only    workload names or prefixes to run; empty for all.
 * @param scaling also run the scaling tables.
 */
public record BenchOptions(boolean quick, boolean json, Path out, List<String> only, boolean scaling)
{
    /**
     * @param workload a workload name.
     * @return whether this run includes it.
     */
    public boolean selects(final String workload)
    {
        if (only == null || only.isEmpty())
        {
            return true;
        }
        for (final String o : only)
        {
            if (workload.equals(o) || workload.startsWith(o))
            {
                return true;
            }
        }
        return false;
    }
}
