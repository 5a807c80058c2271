package dev.shoal.bench;

import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;

/**
 * Stands in for an implementation that is not on this branch yet: always skipped, with the reason. Replace it
 * in {@link Workloads} by the real class once its issue is merged.
 */
public final class PendingPeer implements PeerImpl
{
    private final String impl;
    private final String reason;

    /**
     * @param impl   contract name.
     * @param reason why it is not available.
     */
    public PendingPeer(final String impl, final String reason)
    {
        this.impl = impl;
        this.reason = reason;
    }

    @Override
    public String impl()
    {
        return impl;
    }

    @Override
    public String skipReason(final CaseParams params)
    {
        return reason;
    }

    @Override
    public List<Measurement> run(final CaseParams params)
    {
        throw new UnsupportedOperationException(reason);
    }
}
