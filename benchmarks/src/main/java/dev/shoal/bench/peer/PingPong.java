package dev.shoal.bench.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.RunSample;
import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.CrossProcessCase;
import dev.shoal.bench.proc.Pinning;
import dev.shoal.bench.proc.RunRecord;

/**
 * The ping-pong workload across two JVMs: the pinger (slot 0) sends a {@code size}-byte message with its round
 * number and waits for the ponger (slot 1) to echo it back, timing every round trip with
 * {@link System#nanoTime()}; percentiles are nearest-rank over one run's round trips. The ponger checks every
 * message it echoes, the pinger every echo it receives.
 */
public final class PingPong
{
    private PingPong()
    {
    }

    /**
     * Runs the case.
     *
     * @param label  case label.
     * @param params the case.
     * @param task   the child task (role {@code ping} or {@code pong}).
     * @param jvm    JVM options of the children.
     * @param setup  creates shared files before the children start.
     * @return the measurement.
     * @throws Exception when it fails.
     */
    public static Measurement run(
        final String label, final CaseParams params, final Class<? extends ChildTask> task, final List<String> jvm,
        final Setup setup) throws Exception
    {
        try (CrossProcessCase shared = new CrossProcessCase(label))
        {
            setup.prepare(shared);
            final ChildArgs base = shared.baseArgs().put("size", params.sizeBytes()).put("ops", params.opsPerRun());
            shared.start(task, base.copy().put("role", "ping"), Pinning.cpuFor(0, 2), jvm);
            shared.start(task, base.copy().put("role", "pong"), Pinning.cpuFor(1, 2), jvm);
            final List<RunRecord[]> runs = shared.runAll(params.totalRuns(), Duration.ofSeconds(60));
            final List<RunSample> samples = new ArrayList<>();
            for (int r = params.warmups(); r < runs.size(); r++)
            {
                final RunRecord ping = runs.get(r)[0];
                final RunRecord pong = runs.get(r)[1];
                if (ping.ops != params.opsPerRun() || pong.ops != params.opsPerRun())
                {
                    throw new IllegalStateException("run " + r + ": " + ping.ops + " round trips, " + pong.ops +
                        " echoes, expected " + params.opsPerRun());
                }
                samples.add(new RunSample(ping.ops, ping.endNs - ping.startNs, ping.p50Ns, ping.p99Ns, ping.p999Ns));
            }
            return Measurement.of(samples, Pinning.pins(2), 2);
        }
    }

    /**
     * Creates a case's shared files.
     */
    @FunctionalInterface
    public interface Setup
    {
        /**
         * @param shared the case.
         * @throws Exception when the files cannot be created.
         */
        void prepare(CrossProcessCase shared) throws Exception;
    }
}
