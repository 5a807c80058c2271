package dev.shoal.bench.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.model.RunSample;
import dev.shoal.chunks.LineChecksum;

/**
 * The single-threaded Java reference of the {@code chunks} workload ({@code java-1thread}): one thread of the
 * harness JVM maps the file and runs the same per-line work ({@link ChunkFiles#scan}), no workers, no claims.
 * ops/s is file bytes per second.
 */
public final class JavaChunksPeer implements PeerImpl
{
    @Override
    public String impl()
    {
        return "java-1thread";
    }

    @Override
    public List<Measurement> run(final CaseParams params)
    {
        final Path file = ChunkFiles.file(params.fileBytes());
        final List<RunSample> samples = new ArrayList<>();
        final long bytes = file.toFile().length();
        LineChecksum sum = null;
        for (int r = 0; r < params.totalRuns(); r++)
        {
            final long start = System.nanoTime();
            sum = ChunkFiles.scan(file);
            final long end = System.nanoTime();
            ChunkFiles.check(file, sum.lines(), sum.checksum());
            if (r >= params.warmups())
            {
                samples.add(RunSample.throughput(bytes, end - start));
            }
        }
        return List.of(Measurement.of(samples, false, 1).with("workers", 1).with("file_bytes", bytes)
            .with("lines", sum.lines()).with("unit", "bytes"));
    }
}
