package dev.shoal.bench.report;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shoal.bench.model.BenchOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report shows what the chunked runs time apart: their start-up, under the workload's table.
 */
class MarkdownReportTest
{
    @Test
    void shouldShowTheStartUpOfRunsThatTimeItAndNothingForOthers()
    {
        final String md = MarkdownReport.render(List.of(
            line("chunks", "1-process", 1.0e9, 0.114),
            line("chunks", "2-processes", 1.5e9, 0.143),
            line("heap-2w", null, 3.0e6, Double.NaN)), Map.of(),
            new BenchOptions(false, false, Path.of("."), List.of(), false), List.of());
        assertTrue(md.contains("Start-up (run start to first range claimed, worker JVMs included; median): " +
            "shoal / 1-process 0.114 s, shoal / 2-processes 0.143 s\n"), md);
        final String heap = md.substring(md.indexOf("## heap-2w"));
        assertFalse(heap.contains("Start-up"), heap);
    }

    @Test
    void shouldShowTheRoundTripMeasuredBeforeEachWorkloadAndTheirSpread()
    {
        final Map<String, Long> roundTrips = new LinkedHashMap<>();
        roundTrips.put("chunks", 412L);
        roundTrips.put("heap-2w", 57L);
        final String md = MarkdownReport.render(List.of(
            line("chunks", "1-process", 1.0e9, Double.NaN),
            line("heap-2w", null, 3.0e6, Double.NaN),
            line("pool-tiny", null, 1.0e6, Double.NaN)), roundTrips,
            new BenchOptions(false, false, Path.of("."), List.of(), false), List.of());
        assertTrue(md.contains("its p50 round trip ranged 57..412 ns in this run"), md);
        assertTrue(md.contains("## chunks\n\nPlacement just before: agrona-o2o round trip p50 412 ns.\n"), md);
        assertTrue(md.contains("## heap-2w\n\nPlacement just before: agrona-o2o round trip p50 57 ns.\n"), md);
        final String pool = md.substring(md.indexOf("## pool-tiny"));
        assertFalse(pool.contains("round trip"), pool);
    }

    private static Map<String, Object> line(final String workload, final String variant, final double rate,
        final double startup)
    {
        final Map<String, Object> line = new LinkedHashMap<>();
        line.put("workload", workload);
        line.put("impl", "shoal");
        if (variant != null)
        {
            line.put("variant", variant);
        }
        line.put("ops_per_s", rate);
        line.put("ops_per_s_min", rate);
        line.put("ops_per_s_max", rate);
        if (!Double.isNaN(startup))
        {
            line.put("startup_s_median", startup);
        }
        return line;
    }
}
