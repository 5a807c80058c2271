package dev.shoal.cli.crossprocess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.shoal.cli.CliRun;
import dev.shoal.core.Participant;
import dev.shoal.core.ParticipantInfo;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.Role;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The region across real JVM processes.
 */
class RegionCrossProcessTest
{
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ChildJvms children;

    @AfterEach
    void killChildren()
    {
        if (children != null)
        {
            children.close();
        }
    }

    private ChildJvms children()
    {
        if (children == null)
        {
            children = new ChildJvms(dir);
        }
        return children;
    }

    @Test
    @Timeout(120)
    void shouldCountExactlyAcrossProcesses()
    {
        final Path region = dir.resolve("count");
        final int processes = 3;
        final int perProcess = 200_000;
        final List<Process> started = new ArrayList<>();
        for (int i = 0; i < processes; i++)
        {
            started.add(children().start(RegionChild.class, "add", region.toString(), Integer.toString(perProcess)));
        }
        for (final Process p : started)
        {
            children().awaitSuccess(p, LIMIT);
        }
        try (Region opened = Region.open(region.toString()))
        {
            assertEquals((long)processes * perProcess, opened.longArray("counter").get(0));
            assertEquals(0, opened.participants().snapshot().size(), "every child detached on close");
        }
    }

    @Test
    @Timeout(120)
    void shouldHaveExactlyOneCreatorWhenProcessesRace() throws Exception
    {
        for (int round = 0; round < 2; round++)
        {
            final Path region = dir.resolve("race" + round);
            final Path go = dir.resolve("go" + round);
            final List<Process> racers = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                racers.add(children().start(RegionChild.class, "race", region.toString(), go.toString()));
            }
            Files.createFile(go);
            int creators = 0;
            for (final Process p : racers)
            {
                children().awaitSuccess(p, LIMIT);
                final String out = children().output(p);
                assertTrue(out.contains("structures=2"), out);
                creators += out.contains("created=true") ? 1 : 0;
            }
            assertEquals(1, creators, "exactly one process creates the region");
            try (Region opened = Region.open(region.toString()))
            {
                assertEquals(3, opened.longArray("counter").get(0), "all racers wrote into one and the same file");
            }
            try (var files = Files.list(dir))
            {
                assertEquals(0, files.filter(f -> f.getFileName().toString().contains(".creating.")).count(),
                    "no creation files left behind");
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldShowKilledParticipantAsDeadAndReclaimItsEntry()
    {
        final Path regionPath = dir.resolve("kill");
        Region.create(regionPath.toString(), RegionSpec.builder().longArray("counter", 1).participants(1).build())
            .close();
        final Process child = children().start(RegionChild.class, "hold", regionPath.toString());
        ChildJvms.awaitCondition("child attached", LIMIT, () -> children().output(child).contains("attached"));

        final String before = inspectJson(regionPath);
        assertTrue(before.contains("\"pid\":" + child.pid()) && before.contains("\"alive\":true"), before);

        children().kill(child);

        final String after = inspectJson(regionPath);
        assertTrue(after.contains("\"pid\":" + child.pid()) && after.contains("\"alive\":false"), after);

        try (Region region = Region.open(regionPath.toString()))
        {
            final ParticipantInfo dead = region.participants().snapshot().get(0);
            assertFalse(region.participants().isAlive(dead.token()));
            final Participant mine = region.attach(Role.PROCESS);
            assertEquals(0, mine.index(), "the dead child's entry is reclaimed");
            assertTrue(region.participants().isAlive(mine.token()));
            assertFalse(region.participants().isAlive(dead.token()));
        }
    }

    private static String inspectJson(final Path region)
    {
        return CliRun.run("inspect", region.toString(), "--json").ok();
    }
}
