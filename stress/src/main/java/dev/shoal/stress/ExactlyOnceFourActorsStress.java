package dev.shoal.stress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two producers each claim and commit one job while two consumers each poll until they get one (up to
 * {@link Jobs#RETRY_NANOS}). Result: the job each consumer got, relative to the trial's first id.
 *
 * <p>Four actors: jcstress runs this only on a machine with at least four CPUs (it says "No scheduling is
 * possible" and skips it on fewer); {@link ExactlyOnceStress} checks the same with two actors everywhere.
 */
@JCStressTest
@Description("Two producers, two consumers, one job each: every job delivered exactly once, intact.")
@Outcome(id = { "0, 1", "1, 0" }, expect = ACCEPTABLE, desc = "each job delivered exactly once")
@Outcome(id = { "0, 0", "1, 1" }, expect = FORBIDDEN, desc = "DUPLICATE: one job delivered to both consumers")
@Outcome(id = { "-1, -1", "-1, [01]", "[01], -1" }, expect = FORBIDDEN,
    desc = "LOST: a consumer found no job within the retry time, though two were committed")
@Outcome(id = { "-2, .*", "(-1|0|1), -2" }, expect = FORBIDDEN,
    desc = "TORN: a payload not built from its job id (torn, stale lap, or redelivered)")
@Outcome(expect = FORBIDDEN, desc = "an id outside this trial's two jobs")
@State
public class ExactlyOnceFourActorsStress
{
    private final StressRing lent = StressRing.acquire(4);
    private final int[] taken1 = new int[1];
    private final int[] taken2 = new int[1];

    /**
     * Producer 1: one job, zero-copy.
     */
    @Actor
    public void producer1()
    {
        Jobs.produceOne(lent.ring());
    }

    /**
     * Producer 2: one job, zero-copy.
     */
    @Actor
    public void producer2()
    {
        Jobs.produceOne(lent.ring());
    }

    /**
     * Consumer 1: polls until it gets a job.
     *
     * @param r r1 = the job it got.
     */
    @Actor
    public void consumer1(final II_Result r)
    {
        Jobs.pollUntilTaken(lent.ring(), lent.base(), taken1);
        r.r1 = taken1[0];
    }

    /**
     * Consumer 2: polls until it gets a job.
     *
     * @param r r2 = the job it got.
     */
    @Actor
    public void consumer2(final II_Result r)
    {
        Jobs.pollUntilTaken(lent.ring(), lent.base(), taken2);
        r.r2 = taken2[0];
    }

    /**
     * Returns the ring to the pool (or discards it when a job was left behind).
     */
    @Arbiter
    public void release()
    {
        lent.release();
    }
}
