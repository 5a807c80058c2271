package dev.shoal.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Real worker JVMs stopped in the middle of writing a result: worker 0 halts (as a SIGKILL would stop it) at each
 * {@link ResultCrashPoint} in turn, while worker 1 holds still with a result claimed and copied but not committed
 * (a live writer descheduled, in a GC pause, or SIGSTOPped). Every result of the others keeps coming while worker 1
 * holds its record, and when it goes on, its result arrives too: nothing is judged by time, so the live writer's
 * record is never taken for the dead one's (with one buffer for all and the old 5 s rule, the reader would stop at
 * the held record, then clear it once the death was reported, and the held job's future would never complete).
 */
@Timeout(120)
class ResultBufferCrashTest
{
    private static final int JOBS = 3000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ResultCrashPoint.class)
    void shouldDeliverEveryResultWhenOneWorkerDiesMidWriteAndAnotherHoldsItsRecord(final ResultCrashPoint point)
    {
        final ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(2).threadsPerWorker(1)
            .initializer(ResultCrashInitializer.class).logSink(logs::add)
            .jvmOptions(List.of("-Dshoal.test.crashpoints=true", "-Dshoal.test.resultCrashDir=" + dir,
                "-Dshoal.test.resultHaltPoint=" + point.name(), "-Dshoal.test.resultHaltNth=40",
                "-Dshoal.test.resultPauseNth=20"))
            .start())
        {
            final List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (long i = 0; i < JOBS; i++)
            {
                futures.add(pool.submit(TestHandlers.SQUARE, i));
            }
            await(pool, logs, "worker 1 holding a result record and worker 0 restarted",
                () -> Files.exists(dir.resolve("paused")) && pool.stats().workerRestarts() == 1);
            await(pool, logs, "every result but the held one", () -> pool.stats().pending() == 1);
            assertEquals(JOBS - 1, pool.stats().completed(), "the held job, whose worker is alive, waits for it");

            ChildJvms.awaitCondition("resume written", Duration.ofSeconds(5), () -> touch(dir.resolve("resume")));
            for (int i = 0; i < JOBS; i++)
            {
                assertEquals((long)i * i, futures.get(i).get(60, TimeUnit.SECONDS), "job " + i);
            }
            assertEquals(JOBS, pool.stats().completed());
            assertEquals(1, pool.stats().workerRestarts(), String.join("\n", logs));
            final boolean dropped = logs.stream().anyMatch(l -> l.contains("half-written"));
            assertEquals(point != ResultCrashPoint.RESULT_CLAIM, dropped,
                "a record dropped exactly when the worker died holding one: " + String.join("\n", logs));
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void await(final ProcessPool pool, final ConcurrentLinkedQueue<String> logs, final String what,
        final java.util.function.BooleanSupplier condition)
    {
        try
        {
            ChildJvms.awaitCondition(what, Duration.ofSeconds(60), condition);
        }
        catch (final AssertionError timedOut)
        {
            throw new AssertionError(timedOut.getMessage() + "; " + pool.stats() + "; pool log:\n" +
                String.join("\n", logs), timedOut);
        }
    }

    private static boolean touch(final Path file)
    {
        try
        {
            Files.createFile(file);
            return true;
        }
        catch (final java.io.IOException ex)
        {
            return Files.exists(file);
        }
    }
}
