package dev.shoal.bench.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.CrossProcessCase;
import dev.shoal.bench.proc.Pinning;
import dev.shoal.bench.proc.RunRecord;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.SharedLongArray;

/**
 * {@code SharedLongArray.getAndAdd} from two child JVMs on one region: one line for both on one element, one for
 * each on its own element of a padded array.
 */
public final class ShoalCounterPeer implements PeerImpl
{
    @Override
    public String impl()
    {
        return "shoal";
    }

    @Override
    public List<Measurement> run(final CaseParams params)
    {
        final List<Measurement> result = new ArrayList<>();
        for (final String variant : List.of(Counter.SHARED, Counter.PADDED))
        {
            result.add(runVariant(params, variant));
        }
        return result;
    }

    private Measurement runVariant(final CaseParams params, final String variant)
    {
        final long ops = params.opsDivisibleBy(Counter.WORKERS);
        try (CrossProcessCase shared = new CrossProcessCase("shoal-counter"))
        {
            final String path = shared.file("region").toString();
            final boolean padded = Counter.PADDED.equals(variant);
            final RegionSpec spec = padded ? RegionSpec.builder().paddedLongArray("counter", Counter.WORKERS).build() :
                RegionSpec.builder().longArray("counter", 1).build();
            try (Region region = Region.create(path, spec))
            {
                final ChildArgs base = shared.baseArgs().put("region", path).put("variant", variant)
                    .put("ops", ops / Counter.WORKERS);
                for (int w = 0; w < Counter.WORKERS; w++)
                {
                    shared.start(ShoalCounterTask.class, base, Pinning.cpuFor(w, Counter.WORKERS),
                        ProcessHandoffPeer.CHILD_JVM);
                }
                final List<RunRecord[]> runs = shared.runAll(params.totalRuns(), Duration.ofSeconds(60));
                check(region.longArray("counter"), padded, ops / Counter.WORKERS * params.totalRuns());
                return Measurement.of(Counter.samples(runs, params.warmups(), ops), Pinning.pins(Counter.WORKERS),
                    Counter.WORKERS).withVariant(variant);
            }
        }
    }

    private static void check(final SharedLongArray counter, final boolean padded, final long perWorker)
    {
        final long[] values = counter.snapshot();
        final long expected = padded ? perWorker : perWorker * Counter.WORKERS;
        for (final long value : values)
        {
            if (value != expected)
            {
                throw new IllegalStateException("counter values " + java.util.Arrays.toString(values) +
                    ", expected " + expected + " each");
            }
        }
    }
}
