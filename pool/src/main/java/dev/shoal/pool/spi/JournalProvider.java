package dev.shoal.pool.spi;

import java.nio.file.Path;

/**
 * Opens result journals for pools. Found with {@link java.util.ServiceLoader}: a module that implements it lists
 * its class in {@code META-INF/services/dev.shoal.pool.spi.JournalProvider}.
 */
public interface JournalProvider
{
    /**
     * @param dir    the journal directory, created when missing.
     * @param resume whether the writer must answer {@link JournalWriter#completedResult(String)} (it indexes the
     *               keys already completed, which costs a read of the whole journal).
     * @return an open writer, owned by the caller.
     */
    JournalWriter open(Path dir, boolean resume);
}
