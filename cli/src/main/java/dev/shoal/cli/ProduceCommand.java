package dev.shoal.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;

import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shoal produce REGION --ring NAME --count N --size BYTES [--rate R]}: offers N jobs to a ring. Each job
 * starts with its id (a long, when the job holds 8 bytes or more) followed by a pattern built from the id, so
 * {@code shoal consume} can check it. With {@code --json} it prints one object with {@code jobs}, {@code id_sum},
 * {@code seconds} and {@code jobs_per_s}, so that several terminals can account for every job.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Offer jobs to a job ring; prints jobs, id_sum, seconds, jobs_per_s.")
public final class ProduceCommand implements Callable<Integer>, RegionArg.User
{
    @Mixin
    RegionArg region;

    @Mixin
    RingOption ring;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Option(names = "--count", required = true, paramLabel = "N", description = "Jobs to offer.")
    long count;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "8",
        description = "Bytes per job, at most the ring's slot size (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
        description = "Jobs per second, 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    /**
     * For picocli.
     */
    public ProduceCommand()
    {
    }

    @Override
    public RegionArg regionArg()
    {
        return region;
    }

    @Override
    public Integer call()
    {
        Checks.atLeast(spec, "--count", count, 0);
        Checks.atLeast(spec, "--size", size, 0);
        Checks.notNegative(spec, "--rate", rate);
        if (rate > 0 && rate < Checks.MIN_RATE)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "invalid value for --rate: " + rate +
                " (must be 0, no limit, or at least " + Checks.MIN_RATE + " jobs/s)");
        }
        try (Region open = region.open())
        {
            final JobRing jobs = JobRing.open(open, ring.name);
            Checks.within(spec, "--size", size, 0, jobs.slotBytes()); // a job fits one slot of this ring
            final long start = System.nanoTime();
            final long idSum = produce(jobs);
            final double seconds = (System.nanoTime() - start) / 1e9;
            print(idSum, seconds);
        }
        return 0;
    }

    private long produce(final JobRing jobs)
    {
        final IdleStrategy idleStrategy = ring.idle.newStrategy();
        final long intervalNanos = rate > 0 ? (long)(1e9 / rate) : 0;
        final long start = System.nanoTime();
        long idSum = 0;
        try (JobProducer producer = jobs.producer())
        {
            for (long i = 0; i < count; i++)
            {
                if (intervalNanos > 0)
                {
                    final long due = start + i * intervalNanos;
                    final long wait = due - System.nanoTime();
                    if (wait > 0)
                    {
                        LockSupport.parkNanos(wait);
                    }
                }
                long id;
                idleStrategy.reset();
                while ((id = producer.tryClaim(size)) == JobProducer.FULL)
                {
                    idleStrategy.idle();
                }
                fill(producer.claimed(), id, size);
                producer.commit();
                idSum += id;
            }
        }
        return idSum;
    }

    /**
     * Writes the self-checking payload of a job: its id, then bytes derived from it.
     *
     * @param buffer where.
     * @param id     the job id.
     * @param length bytes to write.
     */
    static void fill(final MutableDirectBuffer buffer, final long id, final int length)
    {
        int i = 0;
        if (length >= Long.BYTES)
        {
            buffer.putLong(0, id);
            i = Long.BYTES;
        }
        for (; i < length; i++)
        {
            buffer.putByte(i, (byte)(id + i));
        }
    }

    private void print(final long idSum, final double seconds)
    {
        final double perSecond = seconds > 0 ? count / seconds : 0;
        if (json.enabled)
        {
            spec.commandLine().getOut().println(Json.object().put("ring", ring.name).put("jobs", count)
                .put("id_sum", idSum).put("seconds", seconds).put("jobs_per_s", perSecond));
        }
        else
        {
            spec.commandLine().getOut().printf("produced %d jobs to ring '%s' in %.3f s (%.0f jobs/s), id_sum=%d%n",
                count, ring.name, seconds, perSecond, idSum);
        }
        spec.commandLine().getOut().flush();
    }
}
