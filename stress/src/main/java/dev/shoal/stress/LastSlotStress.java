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
 * A capacity-2 ring holds job 0: one slot is free. One offer (job 1) races one poll. Whatever the poll does, the
 * offer must succeed: the ring is never genuinely full. Result: (offered 1/0, what the poll got, jobs left).
 */
@JCStressTest
@Description("Offer vs poll with one free slot: the offer never fails, the poll takes job 0 intact.")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "offer took the free slot; the poll took job 0")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "REFUSED: offer failed with a slot free")
@Outcome(id = "1, -1, .*", expect = FORBIDDEN, desc = "MISSED: the poll found a non-empty ring empty")
@Outcome(id = "1, -2, .*", expect = FORBIDDEN, desc = "TORN: the poll saw a job not fully written")
@Outcome(expect = FORBIDDEN, desc = "anything else: job 1 lost, duplicated, out of order or not intact")
@State
public class LastSlotStress
{
    private final StressRing lent = StressRing.acquire(2);

    /**
     * Puts job 0 into the ring from this (the constructing) thread.
     */
    public LastSlotStress()
    {
        Jobs.produceOne(lent.ring());
    }

    /**
     * Offers job 1 once.
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
