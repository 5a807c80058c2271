package dev.shoal.remote;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * An agent JVM for the tests: {@code pool CONNECT BIND WORKERS REGISTRY_CLASS CONNECT_TIMEOUT_MS} or
 * {@code heap CONNECT BIND CONSUMERS DELAY_MS CONNECT_TIMEOUT_MS} (each record rescheduled DELAY_MS after now;
 * {@code heap-error} the same, but the first processing of every fifth record throws an Error).
 * Status lines on stdout; exits 0 when the coordinator said goodbye, 1 with one line on stderr when it failed.
 */
public final class AgentChild
{
    private AgentChild()
    {
    }

    /**
     * @param args see the class comment.
     */
    public static void main(final String[] args)
    {
        final Consumer<String> status = line ->
        {
            System.out.println(line);
            System.out.flush();
        };
        final Agent.Config config = new Agent.Config(args[1], args[2].isEmpty() ? null : args[2],
            Duration.ofMillis(Long.parseLong(args[5])), status);
        try
        {
            if (args[0].equals("heap"))
            {
                final long delay = Long.parseLong(args[4]);
                Agent.serveHeap(config, Integer.parseInt(args[3]),
                    (key, payload, deliveries) -> System.currentTimeMillis() + delay);
            }
            else if (args[0].equals("heap-error"))
            {
                // Every fifth record's first processing throws an Error, not an Exception.
                final long delay = Long.parseLong(args[4]);
                final java.util.Set<Long> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();
                Agent.serveHeap(config, Integer.parseInt(args[3]), (key, payload, deliveries) ->
                {
                    final long value = java.nio.ByteBuffer.wrap(payload).getLong(0);
                    if (value % 5 == 0 && failed.add(value))
                    {
                        throw new AssertionError("bad record " + value);
                    }
                    return System.currentTimeMillis() + delay;
                });
            }
            else
            {
                Agent.servePool(config, new Agent.PoolWorkers(Integer.parseInt(args[3]), 1, args[4], 4096));
            }
        }
        catch (final RuntimeException ex)
        {
            System.err.println("agent: " + ex.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }
}
