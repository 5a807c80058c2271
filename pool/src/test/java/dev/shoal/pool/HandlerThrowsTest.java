package dev.shoal.pool;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a handler throws is the user's object: a message larger than a result message holds, or a getMessage()
 * that throws, killed the worker's consumer thread while it reported it. With two threads per worker the job
 * then hung for ever (its lease held by a live JVM); with one, it was retried and failed as a worker death.
 */
@Timeout(120)
class HandlerThrowsTest
{
    @Test
    void shouldReportWhatAHandlerThrewEvenWhenItCannotBeSentWhole() throws Exception
    {
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(1).threadsPerWorker(2).start())
        {
            final ExecutionException huge = assertThrows(ExecutionException.class,
                () -> pool.submit(TestHandlers.HUGE_MESSAGE, 1_000_000L).get(60, TimeUnit.SECONDS));
            final RemoteJobException cut = assertInstanceOf(RemoteJobException.class, huge.getCause());
            assertEquals(IllegalStateException.class.getName(), cut.remoteClass());
            assertTrue(cut.getMessage().contains("xxxx") && cut.getMessage().contains("bytes cut)"),
                cut.getMessage().substring(0, 200));

            final ExecutionException broken = assertThrows(ExecutionException.class,
                () -> pool.submit(TestHandlers.BROKEN_MESSAGE, 1L).get(60, TimeUnit.SECONDS));
            final RemoteJobException named = assertInstanceOf(RemoteJobException.class, broken.getCause());
            assertTrue(named.getMessage().contains("getMessage() threw java.lang.UnsupportedOperationException"),
                named.getMessage());

            assertEquals(49L, pool.submit(TestHandlers.SQUARE, 7L).get(60, TimeUnit.SECONDS), "the worker goes on");
            final PoolStats stats = pool.stats();
            assertEquals(0, stats.redelivered(), stats.toString());
            assertEquals(0, stats.workerRestarts() + stats.recycles(), stats.toString());
        }
    }
}
