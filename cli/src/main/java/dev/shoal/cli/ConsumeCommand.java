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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
public final class ConsumeCommand implements Callable<Integer>, RegionArg.User
{
    private static final long DRAIN_CHECK_NANOS = 10_000_000L;

    @Mixin
    RegionArg region;

    @Mixin
    RingOption ring;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Until until;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
        description = "Consumer threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--work-us", paramLabel = "U", defaultValue = "0",
        description = "Busy work per job in microseconds (default: ${DEFAULT-VALUE}).")
    long workMicros;

    private final AtomicLong jobs = new AtomicLong();
    private final AtomicLong idSum = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();
    /** Jobs not yet claimed by a thread: a thread takes one before it polls, and gives it back if none came. */
    private AtomicLong tickets;
    /** Jobs taken and acknowledged, over all threads: the threads stop when it reaches the count. */
    private final AtomicLong taken = new AtomicLong();
    private long target;
    /** Set when a thread fails: the others leave too. */
    private volatile boolean stopped;

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
    public RegionArg regionArg()
    {
        return region;
    }

    @Override
    public Integer call() throws Exception
    {
        Checks.within(spec, "--threads", threads, 1, 1024);
        Checks.within(spec, "--work-us", workMicros, 0, Checks.MAX_WORK_MICROS);
        if (until.count != null)
        {
            Checks.atLeast(spec, "--count", until.count, 1);
        }
        target = until.count != null ? until.count : Long.MAX_VALUE;
        tickets = new AtomicLong(target);
        try (Region open = region.open())
        {
            final JobRing jobRing = JobRing.open(open, ring.name);
            final long start = System.nanoTime();
            final List<Thread> workers = new ArrayList<>();
            final List<Throwable> failures = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final Thread worker = new Thread(() -> run(open, jobRing), "consume-" + t);
                worker.setUncaughtExceptionHandler((th, ex) ->
                {
                    stopped = true; // the others stop too: the count can no longer be reached
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
                final Throwable first = failures.get(0);
                throw new IllegalStateException("consumer thread failed: " + ShoalCli.oneLine(first), first);
            }
            print((System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    private void run(final Region open, final JobRing jobRing)
    {
        final IdleStrategy idleStrategy = ring.idle.newStrategy();
        final JobHandler handler = this::onJob;
        long nextDrainCheck = System.nanoTime();
        try (JobConsumer consumer = jobRing.consumer())
        {
            // A thread leaves only once every job is taken: finding no ticket left does not mean the count is
            // reached, since another thread may hold the last one and give it back when its poll comes up empty.
            while (taken.get() < target && !stopped)
            {
                if (takeTicket())
                {
                    if (consumer.poll(handler))
                    {
                        consumer.taskDone();
                        taken.incrementAndGet();
                        idleStrategy.reset();
                        continue;
                    }
                    tickets.incrementAndGet(); // nothing taken: give the ticket back
                }
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

    /**
     * @return true when this thread took one of the tickets left (never below zero).
     */
    private boolean takeTicket()
    {
        long left;
        while ((left = tickets.get()) > 0)
        {
            if (tickets.compareAndSet(left, left - 1))
            {
                return true;
            }
        }
        return false;
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
        if (json.enabled)
        {
            spec.commandLine().getOut().println(Json.object().put("ring", ring.name).put("jobs", count)
                .put("id_sum", idSum.get()).put("seconds", seconds).put("jobs_per_s", perSecond)
                .put("threads", threads).put("redelivered", redelivered.get()).put("bad_payloads", bad.get()));
        }
        else
        {
            spec.commandLine().getOut().printf("consumed %d jobs from ring '%s' in %.3f s (%.0f jobs/s), " +
                "id_sum=%d, redelivered=%d, bad_payloads=%d%n", count, ring.name, seconds, perSecond, idSum.get(),
                redelivered.get(), bad.get());
        }
        spec.commandLine().getOut().flush();
    }
}
