package dev.shoal.stress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.RegionOptions;
import dev.shoal.core.RegionSpec;

/**
 * A job ring in its own tiny region file, lent to one jcstress state at a time.
 *
 * <p>jcstress builds a fresh state for every trial, millions per run, while mapping a file costs tens of
 * microseconds. So a state {@link #acquire acquires} a ring from a pool and its arbiter {@link #release releases}
 * it: a drained ring goes back to the pool and is handed to the next state, which carries on from the ring's next
 * sequence ({@link #base()}). The rings therefore wrap round their slots again and again, so a stale slot word or
 * payload from an earlier lap is one of the things the tests can catch. A ring left undrained by a failed trial is
 * unmapped and deleted instead of reused. The handles (producers, consumers) are never pooled: each actor opens
 * its own on its own thread and closes it before it returns, as the handles' thread check requires.
 *
 * <p>Files live in {@code ${shoal.stress.dir}/fork-PID} (default: the region directory, {@code /dev/shm/shoal}),
 * one folder per forked VM, deleted when the VM exits.
 */
public final class StressRing
{
    /** System property naming the folder for the region files. */
    public static final String DIRECTORY_PROPERTY = "shoal.stress.dir";
    /** Payload bytes of every slot: four longs, see {@link Jobs}. */
    public static final int SLOT_BYTES = Jobs.JOB_BYTES;

    private static final String RING_NAME = "jobs";
    private static final int PARTICIPANTS = 8;
    private static final Map<Integer, Queue<StressRing>> POOLS = new ConcurrentHashMap<>();
    private static final AtomicLong FILES = new AtomicLong();
    private static final Path DIRECTORY = createDirectory();

    private final Region region;
    private final JobRing ring;
    private long base;

    private StressRing(final Region region)
    {
        this.region = region;
        this.ring = JobRing.open(region, RING_NAME);
    }

    /**
     * Takes a drained ring of this capacity from the pool, or creates one.
     *
     * @param capacity slot count, a power of two.
     * @return a drained ring that no other state uses until {@link #release()}.
     */
    public static StressRing acquire(final int capacity)
    {
        StressRing lent = POOLS.computeIfAbsent(capacity, c -> new ConcurrentLinkedQueue<>()).poll();
        if (lent == null)
        {
            final RegionSpec spec = RegionSpec.builder()
                .jobRing(RING_NAME, capacity, SLOT_BYTES)
                .participants(PARTICIPANTS)
                .build();
            final Path file = DIRECTORY.resolve("ring" + capacity + "-" + FILES.incrementAndGet());
            lent = new StressRing(Region.create(RegionLocation.of(file), spec, RegionOptions.defaults()));
        }
        // Nothing died in this ring, so every claimed sequence was published, aborted or abandoned.
        lent.base = lent.ring.submitted() + lent.ring.aborted() + lent.ring.abandoned();
        return lent;
    }

    /**
     * Gives the ring back: into the pool when it is drained, else unmapped and deleted. Call it last, from the
     * arbiter, once every handle on the ring is closed.
     */
    public void release()
    {
        if (ring.isDrained())
        {
            POOLS.get(ring.capacity()).offer(this);
        }
        else
        {
            region.close();
            Region.delete(region.location());
        }
    }

    /**
     * @return the ring.
     */
    public JobRing ring()
    {
        return ring;
    }

    /**
     * @return the id the next claimed job gets (the ring's next sequence when it was acquired).
     */
    public long base()
    {
        return base;
    }

    /**
     * @return where the region file is, for a second mapping of it.
     */
    public RegionLocation location()
    {
        return region.location();
    }

    private static Path createDirectory()
    {
        final String configured = System.getProperty(DIRECTORY_PROPERTY);
        final Path parent = configured != null && !configured.isBlank() ?
            Path.of(configured) : RegionLocation.defaultDirectory();
        final Path directory = parent.resolve("fork-" + ProcessHandle.current().pid());
        try
        {
            Files.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the stress ring folder " + directory, ex);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteAll(directory), "stress-ring-cleanup"));
        return directory;
    }

    private static void deleteAll(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            files.forEach(StressRing::deleteQuietly);
        }
        catch (final IOException ex)
        {
            // folder gone already: nothing left to delete
        }
        deleteQuietly(directory);
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            System.err.println("stress ring cleanup: cannot delete " + file + ": " + ex);
        }
    }
}
