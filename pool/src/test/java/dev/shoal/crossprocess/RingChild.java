package dev.shoal.crossprocess;

import java.time.Duration;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.CrashPoints;
import dev.shoal.core.Region;
import dev.shoal.core.RingCrashPoint;
import dev.shoal.core.SharedLongArray;

/**
 * A child JVM of the cross-process ring tests. Every check it makes lands in the region, so that what a killed
 * child did before its death still counts:
 * <ul>
 *   <li>{@code produce REGION COUNT}: offers COUNT jobs whose payloads are built from their ids.</li>
 *   <li>{@code consume REGION WORK_US}: takes jobs until {@code control[STOP]} is set, checks each payload,
 *       adds 1 to {@code seen[id]} before acknowledging, and adds to {@code control[BAD]} on a bad payload.</li>
 * </ul>
 */
public final class RingChild
{
    /** Name of the ring. */
    public static final String RING = "jobs";
    /** Per-id delivery counts. */
    public static final String SEEN = "seen";
    /** Control words. */
    public static final String CONTROL = "control";
    /** Control word: consumers stop when non-zero. */
    public static final int STOP = 0;
    /** Control word: corrupt payloads seen. */
    public static final int BAD = 1;
    /** Control word: consumers started. */
    public static final int STARTED = 2;

    private RingChild()
    {
    }

    /** Property: halt (status {@value #HALT_STATUS}) just before publishing the N-th job offered (from 1). */
    public static final String HALT_AT_PUBLISH = "shoal.test.haltAtPublish";
    /** Exit status of a child halted by {@link #HALT_AT_PUBLISH}. */
    public static final int HALT_STATUS = 86;

    /**
     * @param args mode and its arguments.
     */
    public static void main(final String[] args)
    {
        final long haltAt = Long.getLong(HALT_AT_PUBLISH, 0);
        if (haltAt > 0)
        {
            // Needs -Dshoal.test.crashpoints=true: the job is claimed, written, and never published.
            CrashPoints.haltAt(haltAt, HALT_STATUS, RingCrashPoint.OFFER_PUBLISH);
        }
        try (Region region = Region.open(args[1]))
        {
            final JobRing ring = JobRing.open(region, RING);
            if ("produce".equals(args[0]))
            {
                produce(ring, Integer.parseInt(args[2]));
            }
            else
            {
                consume(region, ring, Integer.parseInt(args[2]));
            }
        }
        System.out.println("child done: " + String.join(" ", args));
    }

    static void fill(final UnsafeBuffer buffer, final long id, final int length)
    {
        buffer.putLong(0, id);
        for (int i = Long.BYTES; i < length; i++)
        {
            buffer.putByte(i, (byte)(id * 13 + i));
        }
    }

    static boolean check(final DirectBuffer buffer, final int offset, final long id, final int length)
    {
        if (length != RingProcessTest.JOB_BYTES || buffer.getLong(offset) != id)
        {
            return false;
        }
        for (int i = Long.BYTES; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(id * 13 + i))
            {
                return false;
            }
        }
        return true;
    }

    private static void produce(final JobRing ring, final int count)
    {
        final UnsafeBuffer job = new UnsafeBuffer(new byte[RingProcessTest.JOB_BYTES]);
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        try (JobProducer producer = ring.producer())
        {
            for (int i = 0; i < count; i++)
            {
                long id;
                while ((id = producer.tryClaim(job.capacity())) == JobProducer.FULL)
                {
                    idle.idle();
                }
                idle.reset();
                fill(job, id, job.capacity());
                producer.claimed().putBytes(0, job, 0, job.capacity());
                producer.commit();
            }
        }
    }

    private static void consume(final Region region, final JobRing ring, final int workMicros)
    {
        final SharedLongArray seen = region.longArray(SEEN);
        final SharedLongArray control = region.longArray(CONTROL);
        final JobHandler handler = (id, attempt, buffer, offset, length) ->
        {
            if (id < 0 || id >= seen.length() || !check(buffer, offset, id, length))
            {
                control.getAndAdd(BAD, 1);
                return;
            }
            final long until = System.nanoTime() + workMicros * 1000L;
            while (System.nanoTime() - until < 0)
            {
                Thread.onSpinWait(); // the job's "work"
            }
            seen.getAndAdd((int)id, 1);
        };
        try (JobConsumer consumer = ring.consumer())
        {
            control.getAndAdd(STARTED, 1);
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            while (control.get(STOP) == 0)
            {
                if (consumer.take(handler, Duration.ofMillis(50), idle))
                {
                    consumer.taskDone();
                }
            }
        }
    }
}
