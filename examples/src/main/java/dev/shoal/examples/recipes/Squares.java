package dev.shoal.examples.recipes;

// tag::recipe-4[]
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.shoal.pool.Codecs;
import dev.shoal.pool.HandlerKey;
import dev.shoal.pool.HandlerRegistry;
import dev.shoal.pool.Handlers;
import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.RemoteJobException;

public final class Squares
{
    /** Created by name in every worker JVM: handlers are code on the class path, jobs are data. */
    public static final class MyHandlers implements HandlerRegistry
    {
        static final HandlerKey<Long, Long> SQUARE = HandlerKey.of("square", Codecs.LONG, Codecs.LONG);
        static final HandlerKey<String, String> UPPER = HandlerKey.text("upper");
        static final HandlerKey<Long, Long> FAIL = HandlerKey.of("fail", Codecs.LONG, Codecs.LONG);

        @Override
        public void register(Handlers h)
        {
            h.add(SQUARE, x -> x * x);
            h.add(UPPER, s -> s.toUpperCase());
            h.add(FAIL, x -> { throw new IllegalArgumentException("bad " + x); });
        }
    }

    public static void main(String[] args) throws Exception
    {
        try (ProcessPool pool = ProcessPool.builder(MyHandlers.class)
            .workers(4)
            .maxAttempts(3)                    // deliveries of a job whose worker keeps dying
            .maxJobsPerWorker(1000)            // maxtasksperchild
            .start())
        {
            CompletableFuture<Long> one = pool.submit(MyHandlers.SQUARE, 7L);
            one.thenAccept(r -> System.out.println("7^2 = " + r));           // callback
            List<Long> squares = pool.map(MyHandlers.SQUARE, List.of(1L, 2L, 3L), 4);
            Iterator<String> it = pool.mapUnordered(MyHandlers.UPPER, List.of("a", "b"), 1);
            while (it.hasNext())
            {
                System.out.println(it.next());                               // as_completed
            }
            try
            {
                pool.submit(MyHandlers.FAIL, 1L).join();
            }
            catch (CompletionException ex)                                   // error_callback
            {
                RemoteJobException remote = (RemoteJobException)ex.getCause();
                System.out.println(remote.remoteClass() + ": " + remote.remoteMessage());
            }
            pool.join();                                                     // every future complete and counted
            System.out.println(squares + " " + pool.stats());
        }                                                                    // close(); join()
    }
}
// end::recipe-4[]
