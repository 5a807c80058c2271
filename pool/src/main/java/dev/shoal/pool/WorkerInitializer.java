package dev.shoal.pool;

/**
 * Runs once in each worker JVM before it takes jobs (Python's {@code Pool(initializer=...)}). Name the
 * implementing class (public, public no-arg constructor) when building the pool. A throwing initializer fails
 * the worker's start, and so the pool's.
 */
@FunctionalInterface
public interface WorkerInitializer
{
    /**
     * @param workerId the worker's id, 0 to workers - 1.
     * @throws Exception any failure, which stops the worker.
     */
    void initialize(int workerId) throws Exception;
}
