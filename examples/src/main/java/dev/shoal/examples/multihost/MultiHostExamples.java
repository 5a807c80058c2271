package dev.shoal.examples.multihost;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.shoal.core.Region;
import dev.shoal.examples.readme.Squares;
import dev.shoal.pool.ProcessPool;
import dev.shoal.remote.Agent;
import dev.shoal.remote.HeapServer;
import dev.shoal.remote.RecordProcessor;

/**
 * The examples of docs/multi-host.md, tagged {@code listen-pool}, {@code heap-server} and {@code heap-agent}.
 */
public final class MultiHostExamples
{
    private MultiHostExamples()
    {
    }

    static List<Long> listenPool(final List<Long> inputs)
    {
        // tag::listen-pool[]
        try (ProcessPool pool = ProcessPool.builder(Squares.class)
                .workers(0)                         // local workers: 0 or more
                .listen("0.0.0.0:7300")             // needs dev.shoal:shoal-remote on the class path
                .remoteWindow(64)                   // job frames one host may hold unanswered
                .hostTimeout(Duration.ofSeconds(3)) // silence after which a host is given up
                .start()) {
            return pool.map(Squares.SQUARE, inputs, 64);
        }
        // end::listen-pool[]
    }

    static void heapServer(final Region region, final BooleanSupplier running) throws InterruptedException
    {
        // tag::heap-server[]
        try (HeapServer server = HeapServer.builder(region, "schedule").listen("0.0.0.0:7301")
                .window(16).hostTimeout(Duration.ofSeconds(3)).start()) {
            while (running.getAsBoolean()) {        // local consumers and the refresher carry on meanwhile
                System.out.println(server.hosts() + " host(s), " + server.inFlight() + " record(s) out");
                Thread.sleep(1_000);
            }
        }
        // end::heap-server[]
    }

    static void heapAgent()
    {
        // tag::heap-agent[]
        Agent.serveHeap(new Agent.Config("coordinator.example:7301", null, Duration.ofSeconds(30),
                System.out::println),
            4,                                      // consumer threads
            (key, payload, deliveries) -> process(payload) ? System.currentTimeMillis() + 1000 :
                RecordProcessor.COMPLETE);
        // end::heap-agent[]
    }

    private static boolean process(final byte[] payload)
    {
        return payload.length > 0;
    }
}
