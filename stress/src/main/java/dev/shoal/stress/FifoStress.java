package dev.shoal.stress;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import dev.shoal.core.JobProducer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * One producer offers jobs 0 and 1 in that order (copying path); one consumer polls until it has two.
 * Result: the jobs in the order the consumer got them.
 */
@JCStressTest
@Description("One producer offers two jobs in order, one consumer takes two: FIFO.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "FIFO: taken in the order offered")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "REORDERED: job 1 taken before job 0")
@Outcome(id = { "0, 0", "1, 1" }, expect = FORBIDDEN, desc = "DUPLICATE: one job taken twice")
@Outcome(id = { "-1, -1", "-1, [01]", "[01], -1" }, expect = FORBIDDEN,
    desc = "LOST: the consumer found no job within the retry time, though both were offered")
@Outcome(id = { "-2, .*", "(-1|0|1), -2" }, expect = FORBIDDEN,
    desc = "TORN: a payload not built from its job id (torn, stale lap, or redelivered)")
@Outcome(expect = FORBIDDEN, desc = "an id outside this trial's two jobs, or an offer refused (ring not full)")
@State
public class FifoStress
{
    private final StressRing lent = StressRing.acquire(2);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Jobs.JOB_BYTES]);
    private final int[] taken = new int[2];
    private boolean refused;

    /**
     * Offers job 0, then job 1: the ring (capacity 2) has room for both.
     */
    @Actor
    public void producer()
    {
        final long base = lent.base();
        try (JobProducer producer = lent.ring().producer())
        {
            refused = !Jobs.offer(producer, scratch, base) | !Jobs.offer(producer, scratch, base + 1);
        }
    }

    /**
     * Polls until it has two jobs.
     *
     * @param r r1, r2 = the jobs in the order taken.
     */
    @Actor
    public void consumer(final II_Result r)
    {
        Jobs.pollUntilTaken(lent.ring(), lent.base(), taken);
        r.r1 = taken[0];
        r.r2 = taken[1];
    }

    /**
     * Marks a refused offer, and returns the ring to the pool.
     *
     * @param r r1 = 9 when an offer was refused.
     */
    @Arbiter
    public void release(final II_Result r)
    {
        if (refused)
        {
            r.r1 = 9;
        }
        lent.release();
    }
}
