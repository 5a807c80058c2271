package dev.shoal.bench.peer;

import java.time.Duration;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.model.RunSample;
import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.CrossProcessCase;
import dev.shoal.bench.proc.Pinning;
import dev.shoal.bench.proc.RunRecord;

/**
 * A hand-off peer whose producers and consumers are separate JVMs: {@code P} producer children (slots
 * {@code 0..P-1}) then {@code C} consumer children, each running the same {@link ChildTask} with
 * {@code role=producer|consumer}. Subclasses name the task and create the shared files.
 */
public abstract class ProcessHandoffPeer implements PeerImpl
{
    /** JVM options of hand-off children: a small heap, so eight of them fit beside the others. */
    protected static final List<String> CHILD_JVM = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");

    /**
     * @return the child task class.
     */
    protected abstract Class<? extends ChildTask> task();

    /**
     * Creates the shared files in the case directory before any child starts.
     *
     * @param shared the case.
     * @param params its parameters.
     * @throws Exception when they cannot be created.
     */
    protected abstract void prepare(CrossProcessCase shared, CaseParams params) throws Exception;

    /**
     * @param params the case.
     * @return further arguments for the children (none by default).
     */
    protected ChildArgs extraArgs(final CaseParams params)
    {
        return ChildArgs.create();
    }

    @Override
    public List<Measurement> run(final CaseParams params) throws Exception
    {
        final int producers = params.producers();
        final int consumers = params.consumers();
        final int processes = producers + consumers;
        final long ops = params.opsDivisibleBy((long)producers * consumers);
        try (CrossProcessCase shared = new CrossProcessCase(impl() + "-" + params.workload()))
        {
            prepare(shared, params);
            final ChildArgs base = shared.baseArgs();
            extraArgs(params).toArgs().forEach(kv -> base.put(kv.substring(0, kv.indexOf('=')),
                kv.substring(kv.indexOf('=') + 1)));
            for (int p = 0; p < producers; p++)
            {
                shared.start(task(), Handoff.args(base, "producer", p, producers, consumers, params.sizeBytes(), ops),
                    Pinning.cpuFor(p, processes), CHILD_JVM);
            }
            for (int c = 0; c < consumers; c++)
            {
                shared.start(task(), Handoff.args(base, "consumer", c, producers, consumers, params.sizeBytes(), ops),
                    Pinning.cpuFor(producers + c, processes), CHILD_JVM);
            }
            final List<RunRecord[]> runs = shared.runAll(params.totalRuns(), Duration.ofSeconds(60));
            final List<RunSample> samples = Handoff.samples(runs, params.warmups(), producers, ops);
            return List.of(Measurement.of(samples, Pinning.pins(processes), processes));
        }
    }
}
