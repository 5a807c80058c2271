package dev.shoal.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.shoal.cli.demo.DemoHandlers;
import dev.shoal.cli.demo.SchedulerRecords;
import dev.shoal.pool.ProcessPool;
import dev.shoal.remote.Agent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal agent}: a worker host for a coordinator on another machine (docs/multi-host.md).
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = "Serve a coordinator's pool from this host: start local worker JVMs and take its jobs over " +
        "Aeron (UDP) until it closes.")
public final class AgentCommand implements Callable<Integer>
{
    @Option(names = "--connect", required = true, paramLabel = "HOST:PORT",
        description = "The coordinator's listen endpoint (shoal demo pool --listen, ProcessPool.listen).")
    String connect;

    @Option(names = "--workers", defaultValue = "2", description = "Local worker JVMs, or with --scheduler consumer " +
        "threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--threads", defaultValue = "1", description = "Consumer threads per worker (default: " +
        "${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Local address to receive jobs on (default: " +
        "the one that routes to the coordinator).")
    String bind;

    @Option(names = "--registry", paramLabel = "CLASS", description = "Handler registry class on the class path " +
        "(default: the demos' handlers).")
    String registry = DemoHandlers.class.getName();

    @Option(names = "--connect-timeout", defaultValue = "30", paramLabel = "SECONDS", description = "Give up when " +
        "the coordinator does not answer for this long, at the start or after losing it (default: " +
        "${DEFAULT-VALUE}).")
    int connectTimeout;

    @Option(names = "--max-job-bytes", defaultValue = "4096", paramLabel = "SIZE", converter =
        ChunksDemoCommand.ByteSize.class, description = "The largest job frame the local pool takes (e.g. 4096, " +
        "64KB): at least the coordinator's maxJobBytes (default: ${DEFAULT-VALUE}).")
    long maxJobBytes;

    @Option(names = "--scheduler", description = "Consume a coordinator's heap (shoal demo scheduler --listen) " +
        "instead of its pool: --workers consumer threads pop, check and reschedule its records.")
    boolean scheduler;

    @Option(names = "--delay-ms", defaultValue = "0", description = "With --scheduler: reschedule each record this " +
        "far in the future (default: ${DEFAULT-VALUE}).")
    long delayMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        Checks.needs(spec, scheduler, "--scheduler", "--delay-ms");
        if (scheduler)
        {
            Checks.refuseGiven(spec, " is for a pool agent: a --scheduler agent has no local pool", "--threads",
                "--max-job-bytes", "--registry");
        }
        Checks.within(spec, "--workers", workers, 1, 64);
        // A region holds at most 4096 participants, one per consumer thread (two while a worker is replaced).
        Checks.within(spec, "--threads", threads, 1, Math.min(256, ProcessPool.maxThreadsPerWorker(workers,
            ProcessPool.DEFAULT_SUBMIT_HANDLES)));
        Checks.within(spec, "--connect-timeout", connectTimeout, 1, 86_400);
        Checks.endpoint(spec, "--connect", connect);
        Checks.localAddress(spec, "--bind", bind);
        final String mismatch = bind == null ? null : dev.shoal.remote.Endpoint.familyMismatch(bind,
            dev.shoal.remote.Endpoint.parse(connect, "--connect", false));
        if (mismatch != null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), mismatch);
        }
        Checks.within(spec, "--max-job-bytes", maxJobBytes, 64, 1 << 20);
        if ((maxJobBytes & 7) != 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-job-bytes must be a multiple of 8 " +
                "(a job frame is whole 8-byte words): " + maxJobBytes);
        }
        final PrintWriter out = spec.commandLine().getOut();
        Checks.within(spec, "--delay-ms", delayMs, 0, Checks.MAX_DELAY_MILLIS);
        final Agent.Config config = new Agent.Config(connect, bind, Duration.ofSeconds(connectTimeout), line ->
        {
            out.println(line);
            out.flush();
        });
        if (scheduler)
        {
            Agent.serveHeap(config, workers, SchedulerRecords.remoteProcessor(delayMs));
        }
        else
        {
            Agent.servePool(config, new Agent.PoolWorkers(workers, threads, registry, (int)maxJobBytes));
        }
        return 0;
    }
}
