package dev.shoal.crossprocess;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import dev.shoal.core.CrashPoints;
import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RingCrashPoint;
import dev.shoal.core.SharedLongArray;

/**
 * A child JVM that dies for real (Runtime.halt, as SIGKILL leaves it: no shutdown hooks, no finally blocks)
 * at the N-th time it reaches a named ring crash point:
 * <ul>
 *   <li>{@code produce REGION POINT N COUNT}: offers jobs 0..COUNT-1 (ids = sequences), storing in
 *       {@code control[OFFERED]} how many offers returned, after each.</li>
 *   <li>{@code consume REGION POINT N}: takes jobs, adding 1 to {@code seen[id]} before acknowledging each.</li>
 * </ul>
 * Needs {@code -Dshoal.test.crashpoints=true}. Exits 86 when it died at the point, 0 when it never reached it.
 */
public final class RingCrashChild
{
    /** Control word: offers that returned. */
    public static final int OFFERED = 3;
    /** Exit status of a child that died at its point. */
    public static final int DIED = 86;
    /** Most jobs one drain of the {@code drain} mode takes. */
    static final int DRAIN_LIMIT = 5;

    private RingCrashChild()
    {
    }

    /**
     * @param args mode, region, point, occurrence and (produce) count.
     */
    public static void main(final String[] args)
    {
        final RingCrashPoint point = RingCrashPoint.valueOf(args[2]);
        final int occurrence = Integer.parseInt(args[3]);
        final AtomicInteger hits = new AtomicInteger();
        CrashPoints.install(reached ->
        {
            if (reached == point && hits.incrementAndGet() == occurrence)
            {
                Runtime.getRuntime().halt(DIED);
            }
        });
        try (Region region = Region.open(args[1]))
        {
            final JobRing ring = JobRing.open(region, RingChild.RING);
            if ("produce".equals(args[0]))
            {
                produce(region, ring, Integer.parseInt(args[4]));
            }
            else
            {
                consume(region, ring, "drain".equals(args[0]));
            }
        }
    }

    private static void produce(final Region region, final JobRing ring, final int count)
    {
        final SharedLongArray control = region.longArray(RingChild.CONTROL);
        final UnsafeBuffer job = new UnsafeBuffer(new byte[RingProcessTest.JOB_BYTES]);
        try (JobProducer producer = ring.producer())
        {
            for (int i = 0; i < count; i++)
            {
                RingChild.fill(job, i, RingProcessTest.JOB_BYTES);
                if (!producer.put(job, 0, RingProcessTest.JOB_BYTES, Duration.ofSeconds(20), new BackoffIdleStrategy()))
                {
                    throw new IllegalStateException("ring full for 20 s");
                }
                control.set(OFFERED, i + 1);
            }
        }
    }

    private static void consume(final Region region, final JobRing ring, final boolean drain)
    {
        final SharedLongArray seen = region.longArray(RingChild.SEEN);
        final SharedLongArray control = region.longArray(RingChild.CONTROL);
        final JobHandler handler = (id, attempt, buffer, offset, length) ->
        {
            if (!RingChild.check(buffer, offset, id, length))
            {
                control.getAndAdd(RingChild.BAD, 1);
            }
            seen.getAndAdd((int)id, 1);
        };
        try (JobConsumer consumer = ring.consumer())
        {
            while (control.get(RingChild.STOP) == 0)
            {
                if (drain)
                {
                    consumer.drain(handler, DRAIN_LIMIT); // runs of up to 5 behind one head move
                }
                else if (consumer.poll(handler))
                {
                    consumer.taskDone();
                }
            }
        }
    }
}
