package dev.shoal.bench.peer;

import java.time.Duration;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.proc.CrossProcessCase;
import dev.shoal.bench.proc.RunRecord;

/**
 * {@code PriorityBlockingQueue} in one child JVM: a heap of {@code records} (key, id) records; two threads each
 * pop the earliest record and push it back with a later key, {@code ops / 2} pairs per run. After each run the
 * heap must hold every id exactly once.
 */
public final class PbqHeapPeer implements PeerImpl
{
    @Override
    public String impl()
    {
        return "pbq-inproc";
    }

    @Override
    public List<Measurement> run(final CaseParams params)
    {
        final long ops = params.opsDivisibleBy(Counter.WORKERS);
        try (CrossProcessCase shared = new CrossProcessCase("pbq-heap"))
        {
            shared.start(PbqHeapTask.class, shared.baseArgs().put("records", params.records())
                .put("ops", ops / Counter.WORKERS), -1, List.of("-Xms256m", "-Xmx1g"));
            final List<RunRecord[]> runs = shared.runAll(params.totalRuns(), Duration.ofSeconds(60));
            return List.of(Measurement.of(Counter.samples(runs, params.warmups(), ops), false, 1)
                .with("records", params.records()).with("workers", Counter.WORKERS).with("threads", Counter.WORKERS));
        }
    }
}
