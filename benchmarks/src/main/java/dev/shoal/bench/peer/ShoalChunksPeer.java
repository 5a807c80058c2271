package dev.shoal.bench.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.model.RunSample;
import dev.shoal.bench.model.Stats;
import dev.shoal.chunks.ChunkOutcome;
import dev.shoal.chunks.ChunkSession;
import dev.shoal.chunks.FileChunks;
import dev.shoal.chunks.LineChecksum;
import dev.shoal.chunks.LineChecksumJob;

/**
 * Shoal's {@code FileChunks} ({@code shoal}) over a generated CSV file with the demo's line-checksum job, once per
 * worker-process count (variants {@code 1-process}, {@code 2-processes}). The harness JVM coordinates, as the
 * caller of {@code FileChunks.run} does; ops/s is file bytes per second of the run's wall time as
 * {@link ChunkOutcome#seconds()} reports it, which includes starting the worker JVMs (about as a Python pool's
 * start is part of a script's time; it weighs less the larger the file), with the median start-up beside it; the
 * {@code -processing} variants time the processing phase alone ({@link ChunkOutcome#processingSeconds()}: first
 * range claimed to last range done). The {@code -session} variants run the same on one {@link ChunkSession} per
 * worker count, whose first run is not measured: what the second and later files of a session cost, with warm
 * worker JVMs. Every run's lines and checksum must equal the reference scan's.
 */
public final class ShoalChunksPeer implements PeerImpl
{
    /** Range size: FileChunks' default. */
    public static final long CHUNK_BYTES = FileChunks.DEFAULT_CHUNK_BYTES;

    /** Suffix of the variants run on a warm {@link ChunkSession} (its first run not measured). */
    public static final String SESSION = "-session";

    /** Suffix of the variants that time the processing phase alone. */
    public static final String PROCESSING = "-processing";

    private final int[] workerCounts;

    /**
     * @param workerCounts worker-process counts to measure, one variant each.
     */
    public ShoalChunksPeer(final int... workerCounts)
    {
        this.workerCounts = workerCounts.clone();
    }

    @Override
    public String impl()
    {
        return "shoal";
    }

    @Override
    public List<Measurement> run(final CaseParams params)
    {
        final Path file = ChunkFiles.file(params.fileBytes());
        ChunkFiles.expected(file);
        final List<Measurement> result = new ArrayList<>();
        for (final int workers : workerCounts)
        {
            final Runs runs = new Runs(file, params.warmups());
            for (int r = 0; r < params.totalRuns(); r++)
            {
                runs.run(r, FileChunks.builder(file).workers(workers));
            }
            runs.addTo(result, variant(workers), workers, true);
        }
        for (final int workers : workerCounts)
        {
            // The same runs on one session's warm workers: its first run (JVM start, JIT) is thrown away besides
            // the case's warm-ups, so the samples are what the second and later files of a session cost.
            final Runs runs = new Runs(file, params.warmups());
            try (ChunkSession session = ChunkSession.builder().workers(workers).start())
            {
                for (int r = -1; r < params.totalRuns(); r++)
                {
                    runs.run(r, FileChunks.builder(file).session(session));
                }
            }
            runs.addTo(result, variant(workers) + SESSION, workers, false);
        }
        return result;
    }

    private static String variant(final int workers)
    {
        return workers + (workers == 1 ? "-process" : "-processes");
    }

    /**
     * One variant's runs: each checked against the reference, the measured ones (after the warm-ups) sampled.
     */
    private static final class Runs
    {
        private final Path file;
        private final int warmups;
        private final List<RunSample> samples = new ArrayList<>();
        private final List<RunSample> processing = new ArrayList<>();
        private final List<Double> startups = new ArrayList<>();
        private long bytes;
        private long lines;

        Runs(final Path file, final int warmups)
        {
            this.file = file;
            this.warmups = warmups;
        }

        void run(final int index, final FileChunks.Builder builder)
        {
            final ChunkOutcome<LineChecksum> outcome = builder.chunkBytes(CHUNK_BYTES).build()
                .run(LineChecksumJob.class);
            ChunkFiles.check(file, outcome.lines(), outcome.result().checksum());
            bytes = outcome.bytes();
            lines = outcome.lines();
            if (index >= warmups)
            {
                samples.add(RunSample.throughput(bytes, Math.round(outcome.seconds() * 1e9)));
                if (outcome.processingSeconds() > 0)
                {
                    processing.add(RunSample.throughput(bytes, Math.round(outcome.processingSeconds() * 1e9)));
                }
                startups.add(outcome.startupSeconds());
            }
        }

        void addTo(final List<Measurement> result, final String variant, final int workers, final boolean jvmStart)
        {
            add(result, variant, workers, samples, processing, startups, bytes, lines, jvmStart);
        }
    }

    private static void add(final List<Measurement> result, final String variant, final int workers,
        final List<RunSample> samples, final List<RunSample> processing, final List<Double> startups,
        final long bytes, final long lines, final boolean jvmStart)
    {
        result.add(Measurement.of(samples, false, workers + 1).withVariant(variant)
            .with("workers", workers).with("file_bytes", bytes).with("lines", lines)
            .with("chunk_bytes", CHUNK_BYTES).with("unit", "bytes").with("jvm_start_included", jvmStart)
            .with("warm_session", !jvmStart)
            .with("startup_s_median", startups.isEmpty() ? 0 :
                Stats.of(startups.stream().mapToDouble(Double::doubleValue).toArray()).median()));
        if (!processing.isEmpty())
        {
            // The processing phase alone: first range claimed to last range done (no JVM start, no merge).
            result.add(Measurement.of(processing, false, workers + 1).withVariant(variant + PROCESSING)
                .with("workers", workers).with("file_bytes", bytes).with("lines", lines)
                .with("chunk_bytes", CHUNK_BYTES).with("unit", "bytes").with("jvm_start_included", false)
                .with("warm_session", !jvmStart));
        }
    }
}
