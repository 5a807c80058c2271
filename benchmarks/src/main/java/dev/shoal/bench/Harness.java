package dev.shoal.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.shoal.bench.model.BenchOptions;
import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.model.ResultLines;
import dev.shoal.bench.peer.ChunkFiles;
import dev.shoal.bench.peer.PythonPeers;
import dev.shoal.bench.report.Reports;
import dev.shoal.bench.report.Targets;
import dev.shoal.bench.report.TextTable;

/**
 * Runs the selected workloads over every implementation, prints a JSON line per case (or a table), and writes
 * the reports when asked. A failing implementation is reported on its own line and does not stop the run.
 */
public final class Harness
{
    private final BenchOptions options;
    private final PrintStream out;
    private final PrintStream log;
    private final List<Map<String, Object>> lines = new ArrayList<>();
    /** The placement probe's round trip (ns) measured just before each main workload, by workload name. */
    private final Map<String, Long> roundTrips = new LinkedHashMap<>();

    /**
     * @param options the run's options.
     * @param out     where result lines (or the table) go.
     * @param log     where progress goes.
     */
    public Harness(final BenchOptions options, final PrintStream out, final PrintStream log)
    {
        this.options = options;
        this.out = out;
        this.log = log;
    }

    /**
     * @return 0 when every case ran or was skipped with a reason, 1 when a case failed.
     * @throws IOException when the reports cannot be written.
     */
    public int run() throws IOException
    {
        final long start = System.nanoTime();
        log.printf("shoal bench: %s, %d CPUs, JDK %s%n", options.quick() ? "quick" : "full",
            Runtime.getRuntime().availableProcessors(), Runtime.version());
        boolean failed = false;
        for (final Workload workload : Workloads.main(options.quick()))
        {
            if (options.selects(workload.name()))
            {
                measurePlacement(workload.name());
                failed |= runWorkload(workload);
            }
        }
        if (options.scaling())
        {
            for (final Workload workload : Workloads.scaling(options.quick()))
            {
                if (options.selects(workload.name()))
                {
                    failed |= runWorkload(workload);
                }
            }
        }
        runPython();
        if (!options.json())
        {
            out.print(TextTable.render(lines));
        }
        // Stdout stays JSON lines only with --json: the summary goes with the progress then.
        (options.json() ? log : out).print(Targets.text(Targets.evaluate(lines)));
        if (options.out() != null)
        {
            Reports.write(options.out(), lines, roundTrips, options);
            log.println("shoal bench: wrote " + options.out().resolve("results.jsonl") + ", results.md and charts");
        }
        log.printf("shoal bench: done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return failed ? 1 : 0;
    }

    /**
     * Records the host's placement of the vCPUs before a workload ({@link PlacementProbe}): it moves every
     * cross-process figure, and it can change during a run.
     */
    private void measurePlacement(final String workload)
    {
        final long nanos = PlacementProbe.roundTripP50Nanos();
        roundTrips.put(workload, nanos);
        log.printf("shoal bench: placement before %s: agrona-o2o round trip p50 %d ns%n", workload, nanos);
    }

    private boolean runWorkload(final Workload workload)
    {
        boolean failed = false;
        for (final PeerImpl impl : workload.impls())
        {
            final CaseParams params = workload.params();
            final String reason = impl.skipReason(params);
            if (reason != null)
            {
                emit(ResultLines.skipped(params.workload(), impl.impl(), reason));
                continue;
            }
            log.printf("shoal bench: %s %s%s ...%n", params.workload(), impl.impl(), describe(params));
            try
            {
                for (final Measurement m : impl.run(params))
                {
                    emit(ResultLines.measured(params, impl.impl(), m));
                }
            }
            catch (final Exception | Error ex)
            {
                failed = true;
                log.println("shoal bench: " + params.workload() + " " + impl.impl() + " FAILED: " + ex);
                final Map<String, Object> line = ResultLines.skipped(params.workload(), impl.impl(),
                    "failed: " + ex.getMessage());
                line.put("failed", true);
                emit(line);
            }
        }
        return failed;
    }

    private static String describe(final CaseParams params)
    {
        return params.scaling() == null ? "" : " (" + params.scaling() + ": " + params.producers() + "p" +
            params.consumers() + "c " + params.sizeBytes() + " B, " + params.records() + " records)";
    }

    private void runPython()
    {
        final Set<String> wanted = new LinkedHashSet<>();
        long chunksFileBytes = 0;
        for (final Workload w : Workloads.main(options.quick()))
        {
            if (options.selects(w.name()))
            {
                wanted.add(w.name());
                if ("chunks".equals(w.name()))
                {
                    chunksFileBytes = w.params().fileBytes();
                }
            }
        }
        if (wanted.isEmpty() || !Boolean.parseBoolean(System.getProperty("shoal.bench.python", "true")))
        {
            return;
        }
        // The Python chunk pattern reads the very file Shoal's chunk runs read (the same size, lines and cache).
        final Path chunksFile = chunksFileBytes > 0 ? ChunkFiles.file(chunksFileBytes) : null;
        log.println("shoal bench: python multiprocessing peers ...");
        PythonPeers.run(options.quick(), options.scaling(), chunksFile, wanted, line ->
        {
            final Object workload = line.get("workload");
            if (workload != null && (options.selects(workload.toString()) || line.containsKey("scaling") ||
                workload.toString().startsWith("handoff-1pNc")))
            {
                emit(line);
            }
        });
    }

    private synchronized void emit(final Map<String, Object> line)
    {
        lines.add(line);
        if (options.json())
        {
            out.println(ResultLines.toJson(line));
            out.flush();
        }
    }
}
