package dev.shoal.bench.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shoal.cli.Json;

/**
 * Result lines: one JSON object per measured case (or skipped peer), kept as ordered maps so that Java and
 * Python lines are handled alike by the reports.
 */
public final class ResultLines
{
    private ResultLines()
    {
    }

    /**
     * @param params      the case.
     * @param impl        implementation name.
     * @param measurement what it measured.
     * @return the result line: workload, impl, variant, ops_per_s (median) and its spread, percentiles (medians
     * over the runs) for round trips, then the parameters.
     */
    public static Map<String, Object> measured(
        final CaseParams params, final String impl, final Measurement measurement)
    {
        final List<RunSample> samples = measurement.samples();
        final Stats rate = Stats.of(samples.stream().mapToDouble(RunSample::opsPerSecond).toArray());
        final Map<String, Object> line = new LinkedHashMap<>();
        line.put("workload", params.workload());
        line.put("impl", impl);
        if (measurement.variant() != null)
        {
            line.put("variant", measurement.variant());
        }
        line.put("ops_per_s", round(rate.median()));
        line.put("ops_per_s_min", round(rate.min()));
        line.put("ops_per_s_max", round(rate.max()));
        line.put("ops_per_s_q1", round(rate.q1()));
        line.put("ops_per_s_q3", round(rate.q3()));
        line.put("spread", String.format("%.1f%%", rate.spreadPercent()));
        if (samples.get(0).hasLatency())
        {
            line.put("p50_ns", medianOf(samples, RunSample::p50Ns));
            line.put("p99_ns", medianOf(samples, RunSample::p99Ns));
            line.put("p999_ns", medianOf(samples, RunSample::p999Ns));
        }
        line.put("producers", params.producers());
        line.put("consumers", params.consumers());
        line.put("size_bytes", params.sizeBytes());
        line.put("ops_per_run", samples.get(0).ops());
        line.put("runs", samples.size());
        line.put("warmups", params.warmups());
        line.put("processes", measurement.processes());
        line.put("pinned", measurement.pinned());
        if (params.scaling() != null)
        {
            line.put("scaling", params.scaling());
        }
        line.putAll(measurement.extra());
        line.put("quick", params.quick());
        return line;
    }

    /**
     * @param workload workload name.
     * @param impl     implementation name.
     * @param reason   why it was skipped.
     * @return the skip line.
     */
    public static Map<String, Object> skipped(final String workload, final String impl, final String reason)
    {
        final Map<String, Object> line = new LinkedHashMap<>();
        line.put("workload", workload);
        line.put("impl", impl);
        line.put("skipped", reason);
        return line;
    }

    /**
     * @param line a result line.
     * @return it as one line of JSON.
     */
    public static String toJson(final Map<String, Object> line)
    {
        return Json.toJson(line);
    }

    private interface LongField
    {
        long get(RunSample sample);
    }

    private static long medianOf(final List<RunSample> samples, final LongField field)
    {
        return Math.round(Stats.of(samples.stream().mapToDouble(field::get).toArray()).median());
    }

    private static long round(final double value)
    {
        return Math.round(value);
    }
}
