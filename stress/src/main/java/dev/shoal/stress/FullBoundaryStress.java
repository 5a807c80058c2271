package dev.shoal.stress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import dev.shoal.core.JobProducer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A capacity-2 ring holds jobs 0 and 1 (full). One offer (job 2 if it succeeds) races one poll. The offer may
 * fail only while the ring is genuinely full, that is before the poll has released slot 0; a succeeding offer
 * reuses that slot and must not tear job 0 under the poll. Result: (offered 1/0, what the poll got, jobs left).
 */
@JCStressTest
@Description("Offer vs poll on a full ring: the offer fails only before the poll frees a slot; nothing torn.")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "full: the offer ran before the poll released slot 0")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "the poll released slot 0 first; job 2 queued behind 1")
@Outcome(id = "[01], -1, .*", expect = FORBIDDEN, desc = "MISSED: the poll found a full ring empty")
@Outcome(id = "[01], -2, .*", expect = FORBIDDEN, desc = "TORN: the offer overwrote job 0 under the poll")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "LOST: job 2 offered but not in the ring")
@Outcome(expect = FORBIDDEN, desc = "anything else: a job left out of order or not intact")
@State
public class FullBoundaryStress
{
    private final StressRing lent = StressRing.acquire(2);

    /**
     * Fills the ring with jobs 0 and 1 from this (the constructing) thread.
     */
    public FullBoundaryStress()
    {
        Jobs.produceOne(lent.ring());
        Jobs.produceOne(lent.ring());
    }

    /**
     * Offers job 2 once.
     *
     * @param r r1 = 1 when offered.
     */
    @Actor
    public void producer(final III_Result r)
    {
        r.r1 = Jobs.produceOne(lent.ring()) != JobProducer.FULL ? 1 : 0;
    }

    /**
     * Polls once.
     *
     * @param r r2 = the job taken, or empty.
     */
    @Actor
    public void consumer(final III_Result r)
    {
        r.r2 = Jobs.pollOnce(lent.ring(), lent.base());
    }

    /**
     * Drains the ring and returns it to the pool.
     *
     * @param r r3 = jobs left (each checked intact and in order from job 1).
     */
    @Arbiter
    public void drain(final III_Result r)
    {
        r.r3 = Jobs.drainInOrder(lent.ring(), lent.base(), lent.base() + 1);
        lent.release();
    }
}
