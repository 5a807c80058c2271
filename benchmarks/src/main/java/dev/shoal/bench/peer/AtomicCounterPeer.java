package dev.shoal.bench.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.proc.CrossProcessCase;
import dev.shoal.bench.proc.RunRecord;

/**
 * {@code AtomicLongArray.getAndAdd} from two threads in one child JVM, in the same two variants as
 * {@link ShoalCounterPeer}.
 */
public final class AtomicCounterPeer implements PeerImpl
{
    @Override
    public String impl()
    {
        return "atomic-inproc";
    }

    @Override
    public List<Measurement> run(final CaseParams params)
    {
        final List<Measurement> result = new ArrayList<>();
        for (final String variant : List.of(Counter.SHARED, Counter.PADDED))
        {
            final long ops = params.opsDivisibleBy(Counter.WORKERS);
            try (CrossProcessCase shared = new CrossProcessCase("atomic-counter"))
            {
                shared.start(AtomicCounterTask.class, shared.baseArgs().put("variant", variant)
                    .put("ops", ops / Counter.WORKERS), -1, ProcessHandoffPeer.CHILD_JVM);
                final List<RunRecord[]> runs = shared.runAll(params.totalRuns(), Duration.ofSeconds(60));
                result.add(Measurement.of(Counter.samples(runs, params.warmups(), ops), false, 1)
                    .withVariant(variant).with("threads", Counter.WORKERS));
            }
        }
        return result;
    }
}
