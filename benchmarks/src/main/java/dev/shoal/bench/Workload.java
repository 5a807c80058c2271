package dev.shoal.bench;

import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.PeerImpl;

/**
 * One case of a run: a workload's parameters and the implementations that take part, Shoal first.
 *
 * @param params the case.
 * @param impls  implementations, each measured or skipped with a reason.
 */
public record Workload(CaseParams params, List<PeerImpl> impls)
{
    /**
     * @return the workload name.
     */
    public String name()
    {
        return params.workload();
    }
}
