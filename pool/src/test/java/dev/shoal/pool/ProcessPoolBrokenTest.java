package dev.shoal.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool that can no longer run jobs says so to every caller: the jobs it holds fail with the reason, without
 * anyone calling {@code join}, and new ones are refused. Here its worker dies and cannot be started again.
 */
@Timeout(180)
class ProcessPoolBrokenTest
{
    /** System property naming the file whose presence makes a worker's start fail. */
    static final String MARKER_PROPERTY = "shoal.test.failStartMarker";

    @TempDir
    Path dir;

    /**
     * Fails a worker's start once the marker file exists (the first start, before it exists, succeeds).
     */
    public static final class FailWhenMarked implements WorkerInitializer
    {
        /**
         * For the worker, which creates it by name.
         */
        public FailWhenMarked()
        {
        }

        @Override
        public void initialize(final int workerId) throws Exception
        {
            if (Files.exists(Path.of(System.getProperty(MARKER_PROPERTY))))
            {
                throw new IllegalStateException("marked: this worker may not start");
            }
        }
    }

    @Test
    void shouldFailPendingJobsWithoutJoinAndRefuseNewOnesOnceWorkersCannotStart() throws Exception
    {
        final Path marker = dir.resolve("no-more-starts");
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(1).initializer(FailWhenMarked.class)
            .jvmOptions(List.of("-D" + MARKER_PROPERTY + "=" + marker)).logSink(log::add).start())
        {
            assertEquals(4L, pool.submit(TestHandlers.SQUARE, 2L).get(60, TimeUnit.SECONDS), "the pool works");
            Files.createFile(marker);
            // The job halts its worker on every attempt; the restarts fail, three in a row: the pool is broken.
            final CompletableFuture<byte[]> lost = pool.submit(TestHandlers.HALT, new byte[]{ 1 });
            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> lost.get(120, TimeUnit.SECONDS), "the future fails by itself: no join, no close");
            assertTrue(failed.getCause() instanceof JobFailedException &&
                failed.getCause().getMessage().contains("pool broken: worker 0 failed to start 3 times in a row") &&
                failed.getCause().getMessage().contains("marked: this worker may not start"),
                failed.getCause().toString());
            final RejectedExecutionException refused = assertThrows(RejectedExecutionException.class,
                () -> pool.submit(TestHandlers.SQUARE, 3L));
            assertTrue(refused.getMessage().startsWith("pool broken: worker 0 failed to start"), refused.getMessage());
            assertThrows(RejectedExecutionException.class, () -> pool.map(TestHandlers.SQUARE, List.of(1L, 2L), 2));
            assertTrue(pool.join(Duration.ofSeconds(5)), "nothing left pending");
        }
        assertTrue(String.join("\n", log).contains("[pool] broken: worker 0 failed to start"), String.join("\n", log));
    }
}
