package dev.shoal.stress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RegionOptions;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A producer claimed job 0 and its handle died before publishing: the state claims through a second mapping of
 * the region and closes that mapping, which detaches the producer's participant without an abort ("any handle
 * closed without close()" in docs/job-ring.md: its token is dead, as for a dead process). Two recoverers race to
 * abandon the orphaned claim with {@link JobRing#recoverDeadLeases()}: the CAS {@code FREE(0) -> ABANDONED(0)}
 * must have exactly one winner. Result: (what recoverer 1 recovered, what recoverer 2 recovered, the ring's
 * abandoned count for the trial).
 *
 * <p>The race the issue names, abandon vs publish by a live producer, cannot be set up without faking liveness: a
 * recoverer never tries the CAS while the claimant is alive (it reads the claimant's intent word first), and a
 * claimant the table calls dead never publishes. This test races the abandon CAS against itself instead.
 */
@JCStressTest
@Description("Two recoverers race to abandon an orphaned claim: exactly one wins, counted once.")
@Outcome(id = { "1, 0, 1", "0, 1, 1" }, expect = ACCEPTABLE, desc = "exactly one recoverer abandoned the claim")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "BOTH WON: the claim was abandoned twice")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "NONE WON: the orphaned claim was left in the ring")
@Outcome(expect = FORBIDDEN, desc = "anything else: the abandoned counter disagrees with the winners")
@State
public class AbandonRaceStress
{
    private final StressRing lent = StressRing.acquire(2);
    private final long abandonedBefore;

    /**
     * Leaves an orphaned claim of job 0: claimed, never published, its producer detached.
     */
    public AbandonRaceStress()
    {
        abandonedBefore = lent.ring().abandoned();
        final Region doomed = Region.open(lent.location(), RegionOptions.defaults());
        try
        {
            final JobProducer producer = JobRing.open(doomed, "jobs").producer();
            if (producer.tryClaim(Jobs.JOB_BYTES) != lent.base())
            {
                throw new IllegalStateException("orphan claim did not get sequence " + lent.base());
            }
        }
        finally
        {
            doomed.close(); // detaches the producer with its claim open: the claim is orphaned
        }
    }

    /**
     * Recoverer 1.
     *
     * @param r r1 = how many things it recovered.
     */
    @Actor
    public void recoverer1(final III_Result r)
    {
        r.r1 = lent.ring().recoverDeadLeases();
    }

    /**
     * Recoverer 2.
     *
     * @param r r2 = how many things it recovered.
     */
    @Actor
    public void recoverer2(final III_Result r)
    {
        r.r2 = lent.ring().recoverDeadLeases();
    }

    /**
     * Reads the abandoned count and returns the ring to the pool (drained when the claim was abandoned).
     *
     * @param r r3 = claims abandoned in this trial.
     */
    @Arbiter
    public void count(final III_Result r)
    {
        r.r3 = (int)(lent.ring().abandoned() - abandonedBefore);
        lent.release();
    }
}
