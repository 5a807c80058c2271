package dev.shoal.examples.guide;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.shoal.core.Region;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The example of the docs tagged {@code produce}.
 */
public final class GuideProduce
{
    private GuideProduce()
    {
    }

    static void run(final Region region, final long fileOffset, final long length) throws Exception
    {
        // tag::produce[]
        JobRing ring = JobRing.open(region, "jobs");
        try (JobProducer producer = ring.producer())          // one handle per thread
        {
            byte[] job = "/data/part-0001".getBytes(StandardCharsets.UTF_8);
            boolean offered = producer.offer(job, 0, job.length);   // false when the ring is full

            // blocking, with a timeout and an Agrona idle strategy (DirectBuffer source):
            UnsafeBuffer buf = new UnsafeBuffer(job);
            producer.put(buf, 0, buf.capacity(), Duration.ofSeconds(30), new BackoffIdleStrategy());

            // zero copy: write the job in place
            long id = producer.tryClaim(16);                  // JobProducer.FULL when full
            if (id != JobProducer.FULL)
            {
                producer.claimed().putLong(0, fileOffset);    // a view of exactly 16 bytes
                producer.claimed().putLong(8, length);
                producer.commit();                            // or producer.abort()
            }
        }
        // end::produce[]
    }
}
