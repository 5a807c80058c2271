package dev.shoal.examples.recipes;

// tag::recipe-3[]
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.SharedLongArray;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
// end::recipe-3[]

import static dev.shoal.examples.recipes.YourCode.countRows;

// tag::recipe-3[]

public final class Etl
{
    static final RegionSpec SPEC = RegionSpec.builder()
        .jobRing("jobs", 1024, 256)        // paths to process
        .jobRing("results", 1024, 256)     // (job id, rows) pairs
        .longArray("control", 1)           // [0] = 1: workers stop
        .build();
    static final Duration WAIT = Duration.ofSeconds(1);
    static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    /** The main process: put each job, then join(). */
    static void produce(String[] paths)
    {
        IdleStrategy idle = new BackoffIdleStrategy();
        try (Region region = Region.openOrCreate("etl", SPEC))
        {
            JobRing jobs = JobRing.open(region, "jobs");
            try (JobProducer producer = jobs.producer())
            {
                UnsafeBuffer job = new UnsafeBuffer(new byte[256]);
                for (String path : paths)
                {
                    int length = job.putStringWithoutLengthUtf8(0, path);
                    producer.put(job, 0, length, FOREVER, idle);   // blocks while full
                }
            }
            jobs.join(FOREVER, idle);                     // every job acknowledged
            region.longArray("control").set(0, 1);        // instead of one None per worker
        }
    }

    /** A worker process: take, process, put the result, taskDone. */
    static void work()
    {
        IdleStrategy idle = new BackoffIdleStrategy();
        try (Region region = Region.openOrCreate("etl", SPEC);
             JobConsumer jobs = JobRing.open(region, "jobs").consumer();
             JobProducer results = JobRing.open(region, "results").producer())
        {
            SharedLongArray control = region.longArray("control");
            UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            while (control.get(0) == 0)
            {
                boolean got = jobs.take((id, attempt, buffer, offset, length) ->
                {
                    String path = buffer.getStringWithoutLengthUtf8(offset, length);
                    out.putLong(0, id);
                    out.putLong(8, countRows(path));
                }, WAIT, idle);
                if (got)
                {
                    // The result first, then the acknowledgement. put returns false only when this thread
                    // is interrupted: the job stays held, and is redelivered once this worker exits.
                    if (!results.put(out, 0, 16, FOREVER, idle))
                    {
                        throw new IllegalStateException("interrupted while waiting for room in 'results'");
                    }
                    jobs.taskDone();
                }
            }
        }
    }

    /** The result collector: one process. */
    static Map<Long, Long> collect(int expected)
    {
        IdleStrategy idle = new BackoffIdleStrategy();
        Map<Long, Long> rowsByJob = new HashMap<>();
        try (Region region = Region.openOrCreate("etl", SPEC);
             JobConsumer results = JobRing.open(region, "results").consumer())
        {
            while (rowsByJob.size() < expected)
            {
                if (results.take((id, attempt, buffer, offset, length) ->
                    rowsByJob.putIfAbsent(buffer.getLong(offset), buffer.getLong(offset + 8)), WAIT, idle))
                {
                    results.taskDone();
                }
            }
        }
        return rowsByJob;
    }

    /** java ... Etl produce PATH... | work | collect COUNT */
    public static void main(String[] args)
    {
        switch (args[0])
        {
            case "produce" -> produce(Arrays.copyOfRange(args, 1, args.length));
            case "work" -> work();
            case "collect" -> System.out.println(collect(Integer.parseInt(args[1])));
            default -> throw new IllegalArgumentException("usage: Etl produce PATH... | work | collect COUNT");
        }
    }
}
// end::recipe-3[]
