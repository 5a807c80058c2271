package dev.shoal.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.TestHandlers;

/**
 * A coordinator JVM for the tests, there to be killed: {@code ENDPOINT JOBS WORK_MICROS WINDOW HOST_TIMEOUT_MS}.
 * Listens with no local workers, submits JOBS {@link TestHandlers#MIX} jobs of arguments 0.. in frames of 4, says
 * {@code submitted} on stdout, then waits for them and says {@code done}.
 */
public final class CoordinatorChild
{
    private CoordinatorChild()
    {
    }

    /**
     * @param args see the class comment.
     * @throws Exception when the pool fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final int jobs = Integer.parseInt(args[1]);
        final long workMicros = Long.parseLong(args[2]);
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(0).listen(args[0])
            .hostTimeout(Duration.ofMillis(Long.parseLong(args[4]))).remoteWindow(Integer.parseInt(args[3]))
            .logSink(System.out::println).start())
        {
            final List<byte[]> arguments = new ArrayList<>();
            for (int i = 0; i < jobs; i++)
            {
                arguments.add(TestHandlers.mixArgument(i, workMicros));
            }
            final var futures = pool.submitAll(TestHandlers.MIX, arguments, 4);
            System.out.println("submitted");
            System.out.flush();
            for (final var f : futures)
            {
                f.join();
            }
            System.out.println("done");
        }
    }
}
