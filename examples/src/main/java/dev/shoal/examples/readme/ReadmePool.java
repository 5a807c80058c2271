package dev.shoal.examples.readme;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.shoal.pool.ProcessPool;

/**
 * The example of the docs tagged {@code readme-pool}.
 */
public final class ReadmePool
{
    private ReadmePool()
    {
    }

    static void run() throws Exception
    {
        // tag::readme-pool[]
        try (ProcessPool pool = ProcessPool.builder(Squares.class).workers(2).start()) {
            CompletableFuture<Long> one = pool.submit(Squares.SQUARE, 7L);
            one.thenAccept(r -> System.out.println("7^2 = " + r));          // callbacks through the future
            List<Long> all = pool.map(Squares.SQUARE, List.of(1L, 2L, 3L), 64);
            pool.join();                                                    // every submitted job done
        }                                                                   // close(): every result in, workers reaped
        // end::readme-pool[]
    }
}
