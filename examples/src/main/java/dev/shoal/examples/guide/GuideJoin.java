package dev.shoal.examples.guide;

import java.time.Duration;

import dev.shoal.core.JobRing;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * The example of the docs tagged {@code join}.
 */
public final class GuideJoin
{
    private GuideJoin()
    {
    }

    static void run(final JobRing ring) throws Exception
    {
        // tag::join[]
        if (!ring.join(Duration.ofMinutes(10), new BackoffIdleStrategy()))
        {
            System.err.println("still busy: " + ring.stats());
        }
        // end::join[]
    }
}
