package dev.shoal.remote;

import java.time.Duration;

/**
 * An agent JVM for the tests: {@code CONNECT BIND WORKERS REGISTRY_CLASS [CONNECT_TIMEOUT_MS]}; status lines on
 * stdout; exits 0 when the coordinator said goodbye, 1 with
 * one line on stderr when it failed.
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
        final long timeoutMs = args.length > 4 ? Long.parseLong(args[4]) : 30_000;
        try
        {
            Agent.run(new Agent.Config(args[0], args[1].isEmpty() ? null : args[1], Integer.parseInt(args[2]), 1,
                args[3], Duration.ofMillis(timeoutMs), 4096, line ->
                {
                    System.out.println(line);
                    System.out.flush();
                }));
        }
        catch (final RuntimeException ex)
        {
            System.err.println("agent: " + ex.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }
}
