package dev.shoal.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Python's pools leave orphaned workers when their parent is killed; Shoal's do not.
 */
class PoolOrphanTest
{
    @TempDir
    Path dir;

    private ChildJvms children;
    private final List<Long> workerPids = new ArrayList<>();
    private long parentPid;

    @AfterEach
    void cleanUp()
    {
        for (final long pid : workerPids)
        {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (children != null)
        {
            children.close();
        }
        if (parentPid != 0)
        {
            // the killed parent could not remove its pool's region: the test does
            dev.shoal.core.Region.delete(dev.shoal.core.RegionLocation.defaultDirectory()
                .resolve("pool-" + parentPid + "-1").toString());
        }
    }

    @Test
    @Timeout(120)
    void shouldStopWorkersWhenTheirParentIsKilled()
    {
        children = new ChildJvms(dir);
        final Process parent = children.start(PoolParent.class);
        ChildJvms.awaitCondition("pool started", Duration.ofSeconds(60),
            () -> children.output(parent).contains("workers ["));
        final Matcher m = Pattern.compile("(\\d+)").matcher(
            children.output(parent).substring(children.output(parent).indexOf("workers [")));
        while (m.find())
        {
            workerPids.add(Long.parseLong(m.group(1)));
        }
        assertEquals(2, workerPids.size(), children.output(parent));
        for (final long pid : workerPids)
        {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " runs");
        }

        children.kill(parent);
        parentPid = parent.pid();

        ChildJvms.awaitCondition("workers gone after their parent's SIGKILL", Duration.ofSeconds(30),
            () -> workerPids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                .orElse(false)));
    }

    @Test
    @Timeout(120)
    void shouldStopWorkersWhoseParentIsKilledWhileTheyStart()
    {
        // Killed the moment its first worker process exists: that worker's JVM is still starting, and by the time
        // its main runs it has another parent (init), which it must not take for its own.
        children = new ChildJvms(dir);
        final Process parent = children.start(PoolParent.class);
        ChildJvms.awaitCondition("the first worker process", Duration.ofSeconds(60),
            () -> parent.descendants().findAny().isPresent() || !parent.isAlive());
        parent.descendants().forEach(d -> workerPids.add(d.pid()));
        children.kill(parent);
        parentPid = parent.pid();
        parent.descendants().forEach(d -> workerPids.add(d.pid())); // one more may have started meanwhile
        assertTrue(!workerPids.isEmpty(), children.output(parent));
        ChildJvms.awaitCondition("workers gone after their starting parent's SIGKILL", Duration.ofSeconds(30),
            () -> workerPids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                .orElse(false)));
    }
}
