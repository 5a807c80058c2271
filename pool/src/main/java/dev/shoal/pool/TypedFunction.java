package dev.shoal.pool;

/**
 * A typed job body that may throw.
 *
 * @param <A> argument type.
 * @param <R> result type.
 */
@FunctionalInterface
public interface TypedFunction<A, R>
{
    /**
     * @param argument the decoded argument.
     * @return the result to encode.
     * @throws Exception any failure of the job.
     */
    R apply(A argument) throws Exception;
}
