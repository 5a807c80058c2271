package dev.shoal.bench.peer;

import java.time.Duration;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.model.RunSample;
import dev.shoal.bench.proc.CrossProcessCase;
import dev.shoal.bench.proc.RunRecord;

/**
 * The in-process bounds: JCTools {@code MpmcArrayQueue} ({@code jctools-inproc}) or {@code ArrayBlockingQueue}
 * ({@code abq-inproc}) with producer and consumer threads in one child JVM. Each job is a new {@code byte[]}
 * payload of the job size, checked by the consumer like the cross-process peers' payloads.
 */
public final class InprocQueuePeer implements PeerImpl
{
    private final String impl;
    private final String queue;

    private InprocQueuePeer(final String impl, final String queue)
    {
        this.impl = impl;
        this.queue = queue;
    }

    /**
     * @return the JCTools MpmcArrayQueue peer.
     */
    public static InprocQueuePeer jctools()
    {
        return new InprocQueuePeer("jctools-inproc", "jctools");
    }

    /**
     * @return the ArrayBlockingQueue peer.
     */
    public static InprocQueuePeer arrayBlockingQueue()
    {
        return new InprocQueuePeer("abq-inproc", "abq");
    }

    @Override
    public String impl()
    {
        return impl;
    }

    @Override
    public List<Measurement> run(final CaseParams params)
    {
        final int producers = params.producers();
        final int consumers = params.consumers();
        final long ops = params.opsDivisibleBy((long)producers * consumers);
        try (CrossProcessCase shared = new CrossProcessCase(impl + "-" + params.workload()))
        {
            shared.start(InprocQueueTask.class, Handoff.args(shared.baseArgs(), "all", 0, producers, consumers,
                params.sizeBytes(), ops).put("queue", queue), -1, List.of("-Xms256m", "-Xmx512m"));
            final List<RunRecord[]> runs = shared.runAll(params.totalRuns(), Duration.ofSeconds(60));
            final List<RunSample> samples = Handoff.samples(runs, params.warmups(), 0, ops);
            return List.of(Measurement.of(samples, false, 1).with("threads", producers + consumers));
        }
    }
}
