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
 * On an empty capacity-2 ring, one offer races one poll. The poll may miss the job (it is not published yet) but
 * must never see it half written: the payload is built from the job id. Result: (offered 1/0, what the poll got,
 * jobs the arbiter finds left).
 */
@JCStressTest
@Description("Offer vs poll on an empty ring: the poll sees nothing or the whole job, never part of it.")
@Outcome(id = "1, -1, 1", expect = ACCEPTABLE, desc = "poll first: empty; the job waits in the ring")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "publish first: the poll took the whole job")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "REFUSED: offer failed on an empty ring")
@Outcome(id = "1, -2, .*", expect = FORBIDDEN, desc = "TORN: the poll saw a job not fully written")
@Outcome(id = "1, 0, 1", expect = FORBIDDEN, desc = "DUPLICATE: the job was taken and is still in the ring")
@Outcome(id = "1, -1, 0", expect = FORBIDDEN, desc = "LOST: the job was neither taken nor left in the ring")
@Outcome(expect = FORBIDDEN, desc = "anything else: a job out of order or not intact when drained")
@State
public class EmptyBoundaryStress
{
    private final StressRing lent = StressRing.acquire(2);
    private int polled;

    /**
     * Claims and commits one job.
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
        polled = Jobs.pollOnce(lent.ring(), lent.base());
        r.r2 = polled;
    }

    /**
     * Drains the ring and returns it to the pool.
     *
     * @param r r3 = jobs left (each checked intact and in order).
     */
    @Arbiter
    public void drain(final III_Result r)
    {
        r.r3 = Jobs.drainInOrder(lent.ring(), lent.base(), lent.base() + (polled == 0 ? 1 : 0));
        lent.release();
    }
}
