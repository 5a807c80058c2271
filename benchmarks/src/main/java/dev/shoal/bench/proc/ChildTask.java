package dev.shoal.bench.proc;

import java.io.Closeable;
import java.io.IOException;

/**
 * The work one child JVM of a benchmark case does. {@link ChildMain} creates it by class name (public no-arg
 * constructor), calls {@link #open(ChildArgs)} once, {@link #run(long, RunRecord)} once per run the harness
 * starts, and {@link #close()} at the end.
 */
public interface ChildTask extends Closeable
{
    /**
     * Attaches to the shared structures and warms nothing up yet (warm-up runs are ordinary runs).
     *
     * @param args the case's parameters.
     * @throws Exception when the structures cannot be opened.
     */
    void open(ChildArgs args) throws Exception;

    /**
     * Does this child's share of one run and fills the record.
     *
     * @param run    run index, from 0.
     * @param record to fill: start, end, ops, sum, and percentiles for round trips.
     * @throws Exception when a check fails or the structure breaks.
     */
    void run(long run, RunRecord record) throws Exception;

    @Override
    default void close() throws IOException
    {
    }
}
