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
 * Two actors, each a producer and then a consumer: each claims and commits one job, then polls until it gets one
 * (up to {@link Jobs#RETRY_NANOS}). So two producers race for the tail, two consumers race for the head, and one
 * actor's poll races the other's publish. Either actor may get either job. Result: the job each actor got,
 * relative to the trial's first id.
 *
 * <p>Two actors fit any machine jcstress runs on; {@link ExactlyOnceFourActorsStress} runs the four roles on
 * four threads where there are four CPUs.
 */
@JCStressTest
@Description("Two producer-then-consumer actors, one job each: every job delivered exactly once, intact.")
@Outcome(id = { "0, 1", "1, 0" }, expect = ACCEPTABLE, desc = "each job delivered exactly once")
@Outcome(id = { "0, 0", "1, 1" }, expect = FORBIDDEN, desc = "DUPLICATE: one job delivered to both consumers")
@Outcome(id = { "-1, -1", "-1, [01]", "[01], -1" }, expect = FORBIDDEN,
    desc = "LOST: a consumer found no job within the retry time, though two were committed")
@Outcome(id = { "-2, .*", "(-1|0|1), -2" }, expect = FORBIDDEN,
    desc = "TORN: a payload not built from its job id (torn, stale lap, or redelivered)")
@Outcome(expect = FORBIDDEN, desc = "an id outside this trial's two jobs")
@State
public class ExactlyOnceStress
{
    private final StressRing lent = StressRing.acquire(4);
    private final int[] taken1 = new int[1];
    private final int[] taken2 = new int[1];

    /**
     * Produces one job, then polls until it gets one.
     *
     * @param r r1 = the job it got.
     */
    @Actor
    public void actor1(final II_Result r)
    {
        Jobs.produceOne(lent.ring());
        Jobs.pollUntilTaken(lent.ring(), lent.base(), taken1);
        r.r1 = taken1[0];
    }

    /**
     * Produces one job, then polls until it gets one.
     *
     * @param r r2 = the job it got.
     */
    @Actor
    public void actor2(final II_Result r)
    {
        Jobs.produceOne(lent.ring());
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
