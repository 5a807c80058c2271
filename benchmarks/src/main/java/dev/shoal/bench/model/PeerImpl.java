package dev.shoal.bench.model;

import java.util.List;

/**
 * One implementation of one or more workloads: Shoal itself or a peer. Adding one is one small class: give it
 * the contract {@link #impl()} name, say when it cannot run a case, and measure.
 * <p>
 * The harness calls {@link #skipReason(CaseParams)} first; when it returns a reason the case is reported as
 * {@code {"workload":..., "impl":..., "skipped": reason}}. Otherwise it calls {@link #run(CaseParams)}, which
 * does {@link CaseParams#totalRuns()} runs, drops the first {@link CaseParams#warmups()} and returns the rest as
 * samples; the harness turns them into medians and spreads. Each returned {@link Measurement} becomes one result
 * line (several when the implementation has variants, e.g. a padded and an unpadded counter).
 */
public interface PeerImpl
{
    /**
     * @return the contract name: {@code shoal}, {@code agrona-m2o}, {@code chronicle}, ...
     */
    String impl();

    /**
     * @param params the case.
     * @return why this implementation cannot run it (missing tool, pattern does not fit), or null when it can.
     */
    default String skipReason(final CaseParams params)
    {
        return null;
    }

    /**
     * @param params the case.
     * @return one measurement per variant.
     * @throws Exception when the case fails (a failed check included); reported as a failed line.
     */
    List<Measurement> run(CaseParams params) throws Exception;
}
