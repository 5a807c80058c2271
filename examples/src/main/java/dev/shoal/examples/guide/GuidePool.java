package dev.shoal.examples.guide;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.shoal.pool.ProcessPool;

/**
 * The example of the docs tagged {@code pool}.
 */
public final class GuidePool
{
    private GuidePool()
    {
    }

    static void run() throws Exception
    {
        // tag::pool[]
        try (ProcessPool pool = ProcessPool.builder(MyHandlers.class).workers(4).start())
        {
            CompletableFuture<Long> f = pool.submit(MyHandlers.SQUARE, 7L);
            f.thenAccept(r -> System.out.println("7^2 = " + r));          // a callback
            List<Long> squares = pool.map(MyHandlers.SQUARE, List.of(1L, 2L, 3L), 64);
            Iterator<String> any = pool.mapUnordered(MyHandlers.UPPER, List.of("a", "b"), 1);
            pool.join();                                                   // every submitted job has its result
        }                                                                  // close(): drain, stop, reap, delete
        // end::pool[]
    }
}
