package dev.shoal.examples.guide;

import java.time.Duration;

import dev.shoal.core.JobRing;
import dev.shoal.core.JobConsumer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.DirectBuffer;

/**
 * The example of the docs tagged {@code consume}.
 */
public final class GuideConsume
{
    private GuideConsume()
    {
    }

    static void process(final DirectBuffer buffer, final int offset, final int length)
    {
        // your code
    }

    static void run(final JobRing ring) throws Exception
    {
        // tag::consume[]
        try (JobConsumer consumer = ring.consumer())          // one handle per thread
        {
            while (consumer.take((id, attempt, buffer, offset, length) ->
                process(buffer, offset, length), Duration.ofSeconds(5), new BackoffIdleStrategy()))
            {
                consumer.taskDone();                           // acknowledge: the job counts as completed
            }
        }
        // end::consume[]
    }
}
