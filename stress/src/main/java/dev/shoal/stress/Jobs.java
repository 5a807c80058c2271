package dev.shoal.stress;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;

/**
 * Self-checking jobs and the few moves the tests' actors make. A job's payload is built from its id (the ring
 * sequence it was claimed at), so a consumer can tell a fully written job from a torn one, or from a stale job of
 * an earlier lap in the same slot. Actors report a job as its id relative to the state's {@link StressRing#base()}
 * (0 for the first job of the trial), or as one of the codes below.
 */
public final class Jobs
{
    /** Payload bytes of a job: four longs. */
    public static final int JOB_BYTES = 4 * Long.BYTES;
    /** Nothing was taken (the ring looked empty). */
    public static final int EMPTY = -1;
    /**
     * A job was taken but its payload is not the one built from its id (torn, stale or misdelivered), or it came
     * as a redelivery (attempt above 1), which nothing in these trials may cause.
     */
    public static final int TORN = -2;
    /** How long an actor retries a poll for a job another actor is known to publish. */
    public static final long RETRY_NANOS = 1_000_000_000L;

    private static final long MIX = 0x9E3779B97F4A7C15L;

    private Jobs()
    {
    }

    /**
     * Writes the payload of job {@code id}: word 0 is the id, the others mix it with their index.
     *
     * @param buffer where.
     * @param offset at which offset.
     * @param id     the job's id.
     */
    public static void fill(final MutableDirectBuffer buffer, final int offset, final long id)
    {
        for (int i = 0; i < JOB_BYTES / Long.BYTES; i++)
        {
            buffer.putLong(offset + i * Long.BYTES, word(id, i));
        }
    }

    /**
     * @param id     the id the ring delivered the job under.
     * @param buffer the delivered payload.
     * @param offset its offset.
     * @param length its length.
     * @param base   the trial's first id.
     * @return {@code id - base} when the payload is exactly the one built from {@code id}, else {@link #TORN}.
     */
    public static int check(final long id, final DirectBuffer buffer, final int offset, final int length,
        final long base)
    {
        if (length != JOB_BYTES)
        {
            return TORN;
        }
        for (int i = 0; i < JOB_BYTES / Long.BYTES; i++)
        {
            if (buffer.getLong(offset + i * Long.BYTES) != word(id, i))
            {
                return TORN;
            }
        }
        return (int)(id - base);
    }

    /**
     * Claims a slot, builds the job from the id it gets, and commits it (the zero-copy path).
     *
     * @param producer an open producer handle.
     * @return the job's id, or {@link JobProducer#FULL}.
     */
    public static long claimAndCommit(final JobProducer producer)
    {
        final long id = producer.tryClaim(JOB_BYTES);
        if (id != JobProducer.FULL)
        {
            fill(producer.claimed(), 0, id);
            producer.commit();
        }
        return id;
    }

    /**
     * Offers job {@code id} with a copy from {@code scratch} (the copying path). The caller knows the id: it is
     * the only producer of the trial.
     *
     * @param producer an open producer handle.
     * @param scratch  at least {@link #JOB_BYTES} to build the job in.
     * @param id       the id the job will get.
     * @return whether the ring took it.
     */
    public static boolean offer(final JobProducer producer, final UnsafeBuffer scratch, final long id)
    {
        fill(scratch, 0, id);
        return producer.offer(scratch, 0, JOB_BYTES);
    }

    /**
     * Opens a producer on this thread, claims and commits one job, and closes it.
     *
     * @param ring the ring.
     * @return the job's id, or {@link JobProducer#FULL}.
     */
    public static long produceOne(final JobRing ring)
    {
        try (JobProducer producer = ring.producer())
        {
            return claimAndCommit(producer);
        }
    }

    /**
     * Opens a consumer on this thread, polls once (acknowledging what it takes), and closes it.
     *
     * @param ring the ring.
     * @param base the trial's first id.
     * @return what {@link #check} says of the job, or {@link #EMPTY}.
     */
    public static int pollOnce(final JobRing ring, final long base)
    {
        try (JobConsumer consumer = ring.consumer())
        {
            return poll(consumer, new Take(base));
        }
    }

    /**
     * Opens a consumer on this thread, polls until it gets {@code count} jobs or {@link #RETRY_NANOS} pass,
     * acknowledging each, and closes it.
     *
     * @param ring    the ring.
     * @param base    the trial's first id.
     * @param results receives what {@link #check} says of each job, in the order taken; {@link #EMPTY} for jobs
     *                not found in time.
     */
    public static void pollUntilTaken(final JobRing ring, final long base, final int[] results)
    {
        final Take take = new Take(base);
        final long deadline = System.nanoTime() + RETRY_NANOS;
        try (JobConsumer consumer = ring.consumer())
        {
            for (int i = 0; i < results.length; i++)
            {
                int result = poll(consumer, take);
                while (result == EMPTY && System.nanoTime() - deadline < 0)
                {
                    Thread.yield(); // the producer may share our CPU: let it run
                    result = poll(consumer, take);
                }
                results[i] = result;
            }
        }
    }

    /**
     * For arbiters: takes what is left and checks it is exactly jobs {@code first, first + 1, ...} in order.
     *
     * @param ring  the ring, no longer used by any actor.
     * @param base  the trial's first id.
     * @param first the id of the job expected next.
     * @return how many jobs were left, or {@link #TORN} when one was not the next expected job or not intact.
     */
    public static int drainInOrder(final JobRing ring, final long base, final long first)
    {
        final Take take = new Take(base);
        int count = 0;
        boolean inOrder = true;
        try (JobConsumer consumer = ring.consumer())
        {
            for (int result = poll(consumer, take); result != EMPTY; result = poll(consumer, take))
            {
                inOrder &= result == first - base + count;
                count++;
            }
        }
        return inOrder ? count : TORN;
    }

    private static int poll(final JobConsumer consumer, final Take take)
    {
        take.result = EMPTY;
        if (consumer.poll(take))
        {
            consumer.taskDone();
        }
        return take.result;
    }

    private static long word(final long id, final int index)
    {
        return index == 0 ? id : (id * MIX) ^ index;
    }

    /**
     * Records what {@link #check} says of the delivered job.
     */
    private static final class Take implements JobHandler
    {
        private final long base;
        private int result;

        Take(final long base)
        {
            this.base = base;
        }

        @Override
        public void onJob(final long jobId, final int attempt, final DirectBuffer buffer, final int offset,
            final int length)
        {
            result = attempt == 1 ? check(jobId, buffer, offset, length, base) : TORN;
        }
    }
}
