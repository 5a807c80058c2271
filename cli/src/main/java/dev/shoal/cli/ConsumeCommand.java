package dev.shoal.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobRing;
import dev.shoal.core.ParticipantInfo;
import dev.shoal.core.Region;
import dev.shoal.core.Role;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shoal consume REGION --ring NAME [--count N | --until-drained] [--threads T] [--work-us U]}: takes jobs
 * from a ring with T consumer threads, each its own participant, acknowledging every job after U microseconds
 * of busy work. {@code --until-drained} stops once the ring is empty, no live producer is attached and no lease
 * of a dead participant is left. With {@code --json} it prints one object with {@code jobs}, {@code id_sum},
 * {@code seconds}, {@code jobs_per_s}, {@code redelivered} (jobs seen on a later attempt) and
 * {@code bad_payloads} (jobs whose first 8 bytes are not their id).
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = "Take jobs from a job ring; prints jobs, id_sum, seconds, jobs_per_s.")
public final class ConsumeCommand implements Callable<Integer>
{
    private static final long DRAIN_CHECK_NANOS = 10_000_000L;

    @Parameters(index = "0", paramLabel = "REGION", description = "Region name (in /dev/shm/shoal) or path.")
    String region;

    @Option(names = "--ring", required = true, paramLabel = "NAME", description = "Ring name.")
    String ring;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Until until;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
        description = "Consumer threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--work-us", paramLabel = "U", defaultValue = "0",
        description = "Busy work per job in microseconds (default: ${DEFAULT-VALUE}).")
    long workMicros;

    @Option(names = "--idle", paramLabel = "STRATEGY", defaultValue = "backoff",
        description = "How to wait while the ring is empty: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    IdleOption idle;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    private final AtomicLong jobs = new AtomicLong();
    private final AtomicLong idSum = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    private AtomicLong tickets;

    /**
     * When to stop: after a count, or once drained.
     */
    static final class Until
    {
        @Option(names = "--count", paramLabel = "N", description = "Jobs to take, over all threads.")
        Long count;

        @Option(names = "--until-drained",
            description = "Stop when the ring is empty, no live producer is attached and no dead lease is left.")
        boolean drained;
    }

    /**
     * For picocli.
     */
    public ConsumeCommand()
    {
    }

    @Override
    public Integer call() throws Exception
    {
        if (threads < 1 || workMicros < 0)
        {
            throw new IllegalArgumentException("threads must be >= 1 and work-us >= 0: threads=" + threads +
                " work-us=" + workMicros);
        }
        tickets = new AtomicLong(until.count != null ? until.count : Long.MAX_VALUE);
        try (Region open = Region.open(region))
        {
            final JobRing jobRing = JobRing.open(open, ring);
            final long start = System.nanoTime();
            final List<Thread> workers = new ArrayList<>();
            final List<Throwable> failures = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final Thread worker = new Thread(() -> run(open, jobRing), "consume-" + t);
                worker.setUncaughtExceptionHandler((th, ex) ->
                {
                    synchronized (failures)
                    {
                        failures.add(ex);
                    }
                });
                workers.add(worker);
                worker.start();
            }
            for (final Thread worker : workers)
            {
                worker.join();
            }
            if (!failures.isEmpty())
            {
                throw new IllegalStateException("consumer thread failed: " + failures.get(0), failures.get(0));
            }
            print((System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    private void run(final Region open, final JobRing jobRing)
    {
        final IdleStrategy idleStrategy = idle.newStrategy();
        final JobHandler handler = this::onJob;
        long nextDrainCheck = System.nanoTime();
        try (JobConsumer consumer = jobRing.consumer())
        {
            while (tickets.getAndDecrement() > 0)
            {
                if (consumer.poll(handler))
                {
                    consumer.taskDone();
                    idleStrategy.reset();
                    continue;
                }
                tickets.incrementAndGet(); // nothing taken: give the ticket back
                if (until.drained && System.nanoTime() - nextDrainCheck > 0)
                {
                    if (isDrained(open, jobRing))
                    {
                        return;
                    }
                    nextDrainCheck = System.nanoTime() + DRAIN_CHECK_NANOS;
                }
                idleStrategy.idle();
            }
        }
    }

    private void onJob(final long id, final int attempt, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (length >= Long.BYTES && buffer.getLong(offset) != id)
        {
            bad.incrementAndGet();
        }
        if (workMicros > 0)
        {
            final long until = System.nanoTime() + workMicros * 1000L;
            while (System.nanoTime() - until < 0)
            {
                Thread.onSpinWait();
            }
        }
        jobs.incrementAndGet();
        idSum.addAndGet(id);
        if (attempt > 1)
        {
            redelivered.incrementAndGet();
        }
    }

    private static boolean isDrained(final Region open, final JobRing jobRing)
    {
        if (jobRing.size() != 0 || jobRing.stats().orphanedLeases() != 0)
        {
            return false;
        }
        for (final ParticipantInfo participant : open.participants().snapshot())
        {
            if (participant.role() == Role.PRODUCER && participant.alive())
            {
                return false;
            }
        }
        return jobRing.size() == 0;
    }

    private void print(final double seconds)
    {
        final long count = jobs.get();
        final double perSecond = seconds > 0 ? count / seconds : 0;
        if (json)
        {
            System.out.println(Json.object().put("ring", ring).put("jobs", count).put("id_sum", idSum.get())
                .put("seconds", seconds).put("jobs_per_s", perSecond).put("threads", threads)
                .put("redelivered", redelivered.get()).put("bad_payloads", bad.get()));
        }
        else
        {
            System.out.printf("consumed %d jobs from ring '%s' in %.3f s (%.0f jobs/s), id_sum=%d, " +
                "redelivered=%d, bad_payloads=%d%n", count, ring, seconds, perSecond, idSum.get(),
                redelivered.get(), bad.get());
        }
    }
}
