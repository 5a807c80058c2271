package dev.shoal.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The targets issues 3 to 8 set, checked against one run's result lines: each with the value measured, the value
 * needed and whether it is met. A target whose lines are missing (workload not selected, peer skipped, scaling
 * not run) says so instead of passing. No rounding in Shoal's favour: the ratio is computed from the medians as
 * printed, and "met" is a plain comparison with the threshold.
 */
public final class Targets
{
    private static final String SHOAL = "shoal";
    private static final String PYTHON = "python";

    private final List<Map<String, Object>> lines;
    private final List<Target> targets = new ArrayList<>();

    /**
     * One target's outcome.
     *
     * @param name     what is compared, e.g. {@code ring 1P1C vs agrona-m2o}.
     * @param measured the measured value (a ratio, or nanoseconds), NaN when not measured.
     * @param needed   the threshold.
     * @param atLeast  true when the measured value must be at least the threshold, false when below it.
     * @param unit     {@code x} for ratios, {@code ns} for latencies.
     * @param missing  why it was not measured, or null.
     */
    public record Target(String name, double measured, double needed, boolean atLeast, String unit, String missing)
    {
        /**
         * @return whether measured and within the threshold.
         */
        public boolean met()
        {
            return missing == null && (atLeast ? measured >= needed : measured < needed);
        }

        /**
         * @return {@code met}, {@code NOT met} or {@code not measured}.
         */
        public String verdict()
        {
            return missing != null ? "not measured" : met() ? "met" : "NOT met";
        }

        /**
         * @return the measured value with its unit, or the reason it is missing.
         */
        public String measuredText()
        {
            if (missing != null)
            {
                return missing;
            }
            return "ns".equals(unit) ? String.format("%.0f ns", measured) : String.format("%.2fx", measured);
        }

        /**
         * @return the threshold with its comparison.
         */
        public String neededText()
        {
            return ("ns".equals(unit) ? "< " + String.format("%.0f ns", needed) : ">= " + needed + "x");
        }
    }

    private Targets(final List<Map<String, Object>> lines)
    {
        this.lines = lines;
    }

    /**
     * @param lines every result line of a run.
     * @return the targets, in the order of the issues.
     */
    public static List<Target> evaluate(final List<Map<String, Object>> lines)
    {
        final Targets t = new Targets(lines);
        t.ring();
        t.pingPong();
        t.heap();
        t.pool();
        t.consumers();
        t.chunks();
        return t.targets;
    }

    private void ring()
    {
        final String w = "handoff-1p1c-32";
        ratio("ring 1P1C 32 B vs agrona-m2o", rate(w, SHOAL, null), rate(w, "agrona-m2o", null), 1.2);
        ratio("ring 1P1C 256 B vs agrona-m2o", rate("handoff-1p1c-256", SHOAL, null),
            rate("handoff-1p1c-256", "agrona-m2o", null), 1.0);
        // Issue 14's peer for two consumers: Agrona's many-to-one ring with the same producers and its one consumer
        // (Shoal's two consumers share one ring; Agrona's ring cannot be shared by consumers).
        for (final String shape : new String[]{ "1P2C", "2P2C" })
        {
            final String shared = "handoff-" + shape.toLowerCase() + "-32";
            ratio("ring " + shape + " 32 B vs agrona-m2o, one consumer", rate(shared, SHOAL, null),
                rate(shared, "agrona-m2o-1c", null), 1.0);
            ratio("ring " + shape + " 32 B vs agrona-m2o, one ring per consumer", rate(shared, SHOAL, null),
                rate(shared, "agrona-m2o", null), 1.0);
        }
        ratio("ring 1P1C 32 B vs jctools-inproc", rate(w, SHOAL, null), rate(w, "jctools-inproc", null), 0.8);
        ratio("ring 1P1C 32 B vs python mp.Queue", rate(w, SHOAL, null), rate(w, PYTHON, "mp.Queue"), 100);
    }

    private void pingPong()
    {
        final Map<String, Object> shoal = find("pingpong", SHOAL, null);
        final Map<String, Object> pipe = find("pingpong", PYTHON, "mp.Pipe");
        latencyRatio("pingpong p50: python mp.Pipe / shoal", field(pipe, "p50_ns"), field(shoal, "p50_ns"), 50);
        below("pingpong p50 (issue 3: under 1 us)", field(shoal, "p50_ns"), 1_000);
        latencyRatio("pingpong p50: agrona-o2o / shoal (shoal at or below)",
            field(find("pingpong", "agrona-o2o", null), "p50_ns"), field(shoal, "p50_ns"), 1.0);
    }

    private void heap()
    {
        final String w = "heap-2w";
        ratio("heap 2 workers vs pbq-inproc (cross-process vs threads)", rate(w, SHOAL, null),
            rate(w, "pbq-inproc", null), 1.0);
        ratio("heap 2 workers vs redis", rate(w, SHOAL, null), rate(w, "redis", null), 20);
        ratio("heap 2 workers vs python Manager heap", rate(w, SHOAL, null), rate(w, PYTHON, null), 100);
    }

    private void pool()
    {
        final double submit = rate("pool-tiny", SHOAL, "submit");
        ratio("pool submit vs python ProcessPoolExecutor.submit", submit,
            rate("pool-tiny", PYTHON, "ProcessPoolExecutor.submit"), 100);
        ratio("pool submit vs python JoinableQueue template", submit,
            rate("handoff-1p2c-32", PYTHON, "mp.JoinableQueue-template"), 30);
        ratio("pool map chunk 64 vs python Pool.map(chunksize=64)", rate("pool-tiny", SHOAL, "map-chunk64"),
            rate("pool-tiny", PYTHON, "Pool.map-chunksize64"), 10);
        below("pool p50 submit-to-completion, one in flight", field(find("pool-tiny", SHOAL, "submit-paced"),
            "p50_ns"), 20_000);
    }

    private void consumers()
    {
        double peak = Double.NaN;
        double eight = Double.NaN;
        for (final Map<String, Object> line : lines)
        {
            if ("consumers".equals(line.get("scaling")) && SHOAL.equals(line.get("impl")) && !Lines.isSkipped(line))
            {
                final double rate = Lines.number(line, "ops_per_s");
                peak = Double.isNaN(peak) ? rate : Math.max(peak, rate);
                if (Lines.number(line, "consumers") == 8)
                {
                    eight = rate;
                }
            }
        }
        add("ring consumers 1->8 (2 cores): 8 consumers / peak", eight / peak, 0.5, true,
            Double.isNaN(peak) ? "run with --scaling" : null);
    }

    private void chunks()
    {
        final double one = rate("chunks", SHOAL, "1-process-processing");
        final double two = rate("chunks", SHOAL, "2-processes-processing");
        final double python = rate("chunks", PYTHON, null);
        ratio("chunks 2 processes vs 1 (processing phase)", two, one, 1.8);
        ratio("chunks 2 processes vs python (processing phase)", two, python, 10);
        ratio("chunks 2 processes vs python (end to end, JVM start included)", rate("chunks", SHOAL, "2-processes"),
            python, 5);
        final double warmOne = rate("chunks", SHOAL, "1-process-session-processing");
        final double warmTwo = rate("chunks", SHOAL, "2-processes-session-processing");
        ratio("chunks warm session: 2 processes vs 1 (processing phase)", warmTwo, warmOne, 1.8);
        ratio("chunks warm session: 2 processes vs python (processing phase)", warmTwo, python, 10);
    }

    private void ratio(final String name, final double numerator, final double denominator, final double needed)
    {
        final String missing = Double.isNaN(numerator) ? "no shoal line" :
            Double.isNaN(denominator) || denominator <= 0 ? "no peer line" : null;
        add(name, numerator / denominator, needed, true, missing);
    }

    /**
     * A peer's latency over Shoal's (above 1: Shoal is faster). Shoal is the denominator here, so a missing line
     * is named by which side it is, not by its place in the fraction.
     */
    private void latencyRatio(final String name, final double peerNanos, final double shoalNanos, final double needed)
    {
        final String missing = Double.isNaN(shoalNanos) || shoalNanos <= 0 ? "no shoal line" :
            Double.isNaN(peerNanos) ? "no peer line" : null;
        add(name, peerNanos / shoalNanos, needed, true, missing);
    }

    private void below(final String name, final double nanos, final double limit)
    {
        targets.add(new Target(name, nanos, limit, false, "ns", Double.isNaN(nanos) ? "no shoal line" : null));
    }

    private void add(final String name, final double value, final double needed, final boolean atLeast,
        final String missing)
    {
        targets.add(new Target(name, value, needed, atLeast, "x", missing));
    }

    private double rate(final String workload, final String impl, final String variant)
    {
        return field(find(workload, impl, variant), "ops_per_s");
    }

    private static double field(final Map<String, Object> line, final String key)
    {
        return line == null ? Double.NaN : Lines.number(line, key);
    }

    /**
     * @return the first measured main (non-scaling) line of this workload, impl and variant (any variant when
     *     null).
     */
    private Map<String, Object> find(final String workload, final String impl, final String variant)
    {
        for (final Map<String, Object> line : lines)
        {
            if (workload.equals(line.get("workload")) && impl.equals(line.get("impl")) && !Lines.isSkipped(line) &&
                !line.containsKey("scaling") && (variant == null || variant.equals(line.get("variant"))))
            {
                return line;
            }
        }
        return null;
    }

    /**
     * @param targets evaluated targets.
     * @return a plain-text table, one target a line, and a count of those met.
     */
    public static String text(final List<Target> targets)
    {
        final StringBuilder sb = new StringBuilder("targets (ratios from this run; issues 3-8, 14, 15):\n");
        int met = 0;
        for (final Target t : targets)
        {
            sb.append(String.format("  %-58s %-22s %-9s %s%n", t.name(), t.measuredText(), t.neededText(),
                t.verdict()));
            met += t.met() ? 1 : 0;
        }
        sb.append(String.format("  %d of %d met%n", met, targets.size()));
        return sb.toString();
    }

    /**
     * @param targets evaluated targets.
     * @return a Markdown section.
     */
    public static String markdown(final List<Target> targets)
    {
        final StringBuilder sb = new StringBuilder("## Targets\n\n| target | measured | needed | verdict |\n")
            .append("| --- | ---: | ---: | --- |\n");
        int met = 0;
        for (final Target t : targets)
        {
            sb.append("| ").append(t.name()).append(" | ").append(t.measuredText()).append(" | ")
                .append(t.neededText()).append(" | ").append(t.verdict()).append(" |\n");
            met += t.met() ? 1 : 0;
        }
        sb.append('\n').append(met).append(" of ").append(targets.size()).append(" met in this run.\n\n");
        return sb.toString();
    }
}
