package dev.shoal.pool;

/**
 * The outcomes of one frame's jobs, all in (see {@link ProcessPool#submitFrameTogether}): per job in frame order,
 * its result bytes or its failure.
 */
public final class FrameOutcomes
{
    private final FrameCall call;

    FrameOutcomes(final FrameCall call)
    {
        this.call = call;
    }

    /**
     * @return jobs in the frame.
     */
    public int count()
    {
        return call.count;
    }

    /**
     * @param i a job's index in the frame.
     * @return its result bytes, or {@code null} when it failed.
     */
    public byte[] result(final int i)
    {
        try
        {
            return call.result(i);
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * @param i a job's index in the frame.
     * @return its failure (a {@link RemoteJobException} when its handler threw, a {@link JobFailedException}
     * otherwise), or {@code null} when it succeeded.
     */
    public RuntimeException failure(final int i)
    {
        try
        {
            call.result(i);
            return null;
        }
        catch (final RuntimeException ex)
        {
            return ex;
        }
    }
}
