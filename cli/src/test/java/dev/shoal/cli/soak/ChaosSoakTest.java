package dev.shoal.cli.soak;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.shoal.chunks.ChunkOutcome;
import dev.shoal.chunks.CsvGenerator;
import dev.shoal.chunks.FileChunks;
import dev.shoal.chunks.LineChecksum;
import dev.shoal.chunks.LineChecksumJob;
import dev.shoal.cli.demo.DemoHandlers;
import dev.shoal.pool.ProcessPool;
import dev.shoal.cli.demo.SchedulerDemo;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Longer fault runs, behind the {@code soak} profile: {@code mvn verify -Psoak -Dshoal.soak.seconds=60}. Each
 * pattern runs for a third of the budget with worker JVMs SIGKILLed again and again, and must end with nothing
 * lost and nothing wrong. The seed is printed so a failure can be replayed.
 */
@Tag("soak")
class ChaosSoakTest
{
    private static final long SECONDS = Long.getLong("shoal.soak.seconds", 60);
    private static final long SEED = Long.getLong("shoal.soak.seed", System.nanoTime());

    @TempDir
    Path dir;

    private static long thirdNanos()
    {
        return TimeUnit.SECONDS.toNanos(Math.max(3, SECONDS / 3));
    }

    @Test
    @Timeout(value = 600)
    void shouldKeepEverySchedulerRecordThroughRepeatedKills()
    {
        final double seconds = Math.max(3, SECONDS / 3.0);
        try (SchedulerDemo demo = new SchedulerDemo(new SchedulerDemo.Config(2, 20_000, seconds, true, 0, SEED)))
        {
            final SchedulerDemo.Result r = demo.run();
            assertTrue(r.verified(), "seed=" + SEED + ": " + r);
            assertEquals(0, r.lost(), "seed=" + SEED);
            assertEquals(0, r.duplicated(), "seed=" + SEED);
        }
    }

    @Test
    @Timeout(value = 600)
    void shouldCompleteEveryPoolJobThroughRepeatedKills() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final long end = System.nanoTime() + thirdNanos();
        long jobs = 0;
        int kills = 0;
        try (ProcessPool pool = ProcessPool.builder(DemoHandlers.class).workers(2).maxAttempts(10)
            .logSink(l -> { }).start())
        {
            while (System.nanoTime() - end < 0)
            {
                final List<CompletableFuture<byte[]>> futures = new ArrayList<>();
                for (int i = 0; i < 2000; i++)
                {
                    futures.add(pool.submit(DemoHandlers.HASH, DemoHandlers.argument(jobs + i, 50)));
                }
                pool.killWorker(random.nextInt(2));
                kills++;
                for (int i = 0; i < futures.size(); i++)
                {
                    // Bounded: a lost result must fail the run by name, not hang it (join ignores interrupts).
                    final long got = new UnsafeBuffer(futures.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS))
                        .getLong(0);
                    assertEquals(DemoHandlers.mix(jobs + i), got, "seed=" + SEED + " job " + (jobs + i));
                }
                jobs += futures.size();
            }
            assertEquals(jobs, pool.stats().completed(), "seed=" + SEED);
            assertEquals(0, pool.stats().failed(), "seed=" + SEED);
            assertTrue(pool.stats().workerRestarts() >= 1, "seed=" + SEED + " kills=" + kills);
        }
    }

    @Test
    @Timeout(value = 600)
    void shouldCountEveryLineThroughKilledChunkWorkers() throws Exception
    {
        final Path file = dir.resolve("soak.csv");
        CsvGenerator.generate(file, 64L << 20, SEED);
        final ChunkOutcome<LineChecksum> reference = FileChunks.builder(file).workers(1).processes(false)
            .chunkBytes(1L << 20).region(dir.resolve("reference")).build().run(LineChecksumJob.class);
        final long end = System.nanoTime() + thirdNanos();
        int round = 0;
        while (System.nanoTime() - end < 0)
        {
            final ChunkOutcome<LineChecksum> o = FileChunks.builder(file).workers(2).chunkBytes(256L << 10)
                .chaosKillAt(0.2 + 0.6 * new SplittableRandom(SEED + round).nextDouble())
                .region(dir.resolve("round" + round)).build().run(LineChecksumJob.class);
            assertEquals(reference.lines(), o.lines(), "seed=" + SEED + " round " + round);
            assertEquals(reference.result().toString(), o.result().toString(), "seed=" + SEED + " round " + round);
            round++;
        }
        assertTrue(round >= 1);
    }
}
