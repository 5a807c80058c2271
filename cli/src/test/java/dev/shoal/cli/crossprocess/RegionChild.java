package dev.shoal.cli.crossprocess;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.shoal.core.Participant;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.Role;
import dev.shoal.core.SharedLongArray;

/**
 * A child JVM for the region's cross-process tests.
 * <ul>
 *   <li>{@code add PATH N}: N getAndAdd(0, 1) on the array "counter".</li>
 *   <li>{@code race PATH GOFILE}: wait for GOFILE, openOrCreate, add 1 to "counter", print the outcome.</li>
 *   <li>{@code hold PATH}: attach and wait until killed.</li>
 * </ul>
 */
public final class RegionChild
{
    static final RegionSpec SPEC = RegionSpec.builder().longArray("counter", 4).paddedLongArray("per", 4)
        .participants(8).build();

    private RegionChild()
    {
    }

    /**
     * @param args see the class comment.
     * @throws Exception on failure, with a non-zero exit.
     */
    public static void main(final String[] args) throws Exception
    {
        final String mode = args[0];
        final Path path = Path.of(args[1]);
        switch (mode)
        {
            case "add" -> add(path, Integer.parseInt(args[2]));
            case "race" -> race(path, Path.of(args[2]));
            case "hold" -> hold(path);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    private static void add(final Path path, final int n)
    {
        try (Region region = Region.openOrCreate(path.toString(), SPEC);
            Participant ignored = region.attach(Role.WORKER))
        {
            final SharedLongArray counter = region.longArray("counter");
            for (int i = 0; i < n; i++)
            {
                counter.getAndAdd(0, 1);
            }
        }
        System.out.println("done");
    }

    private static void race(final Path path, final Path go) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(go))
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("no go file");
            }
            Thread.onSpinWait();
        }
        try (Region region = Region.openOrCreate(path.toString(), SPEC);
            Participant p = region.attach(Role.PROCESS))
        {
            region.longArray("counter").getAndAdd(0, 1);
            System.out.println("created=" + region.wasCreated() + " length=" + region.length() + " structures=" +
                region.structures().size() + " participant=" + p.index());
        }
    }

    private static void hold(final Path path) throws Exception
    {
        final Region region = Region.open(path.toString());
        final Participant p = region.attach(Role.WORKER);
        System.out.println("attached " + p.index());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // held until the test kills this process
    }
}
