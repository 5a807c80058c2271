package dev.shoal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.shoal.core.RegionLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Regions and folders this process cannot write, made so with chattr +i, which stops root too (the tests run as
 * root); skipped where chattr does not work.
 */
@Timeout(60)
class RegionFolderTest
{
    @TempDir
    Path dir;

    /**
     * The failure named the private file a region is first written to ("permission denied:
     * /dev/shm/shoal/.jobs.creating.4242-...") rather than the folder.
     */
    @Test
    void shouldNameAFolderItCannotWrite() throws IOException, InterruptedException
    {
        final Path folder = Files.createDirectory(dir.resolve("locked"));
        assumeTrue(chattr("+i", folder) == 0, "chattr +i failed here");
        try
        {
            assumeTrue(!Files.isWritable(folder), "chattr +i took no effect");
            final Path region = folder.resolve("r");
            final CliRun create = CliRun.run("create", region.toString(), "--array", "a:8");
            assertEquals(ShoalCli.EXIT_FAILURE, create.code(), create.out());
            assertEquals("shoal create: cannot create region " + region + ": no permission to write folder " + folder,
                create.err().strip());
        }
        finally
        {
            assertEquals(0, chattr("-i", folder));
        }
        try (var files = Files.list(folder))
        {
            assertEquals(List.of(), files.toList());
        }
    }

    /**
     * The folder of bare names not writable: the hint offered only a file path, which commands that derive their
     * region's name (demo chunks) have no option for; -Dshoal.dir serves both.
     */
    @Test
    void shouldOfferTheFolderPropertyWhenTheFolderOfBareNamesIsNotWritable() throws IOException, InterruptedException
    {
        final Path folder = Files.createDirectory(dir.resolve("bare"));
        assumeTrue(chattr("+i", folder) == 0, "chattr +i failed here");
        final String before = System.getProperty(RegionLocation.DIRECTORY_PROPERTY);
        System.setProperty(RegionLocation.DIRECTORY_PROPERTY, folder.toString());
        try
        {
            assumeTrue(!Files.isWritable(folder), "chattr +i took no effect");
            final CliRun create = CliRun.run("create", "r", "--array", "a:8");
            assertEquals(ShoalCli.EXIT_FAILURE, create.code(), create.out());
            assertTrue(create.err().strip().endsWith("or give a file path, or move bare names to a folder of your " +
                "own with -Dshoal.dir=FOLDER, which also serves names a command derives itself)"), create.err());
        }
        finally
        {
            if (before == null)
            {
                System.clearProperty(RegionLocation.DIRECTORY_PROPERTY);
            }
            else
            {
                System.setProperty(RegionLocation.DIRECTORY_PROPERTY, before);
            }
            assertEquals(0, chattr("-i", folder));
        }
    }

    /**
     * A region this process may read but not write: inspect said only "permission denied" (a user with read
     * permission on another's region expects a reader to work; it maps the region read-write, so it cannot).
     */
    @Test
    void shouldSayARegionNeedsWritePermissionEvenToInspect() throws IOException, InterruptedException
    {
        final Path region = dir.resolve("r");
        assertEquals(0, CliRun.run("create", region.toString(), "--array", "a:8").code());
        assumeTrue(chattr("+i", region) == 0, "chattr +i failed here");
        try
        {
            assumeTrue(!Files.isWritable(region), "chattr +i took no effect");
            final CliRun inspect = CliRun.run("inspect", region.toString());
            assertEquals(ShoalCli.EXIT_FAILURE, inspect.code(), inspect.out());
            assertTrue(inspect.err().startsWith("shoal inspect: cannot open region " + region + " (a region is " +
                "mapped read-write by every process that opens it, inspect included, so it needs read and write " +
                "permission;"), inspect.err());
        }
        finally
        {
            assertEquals(0, chattr("-i", region));
        }
    }

    private static int chattr(final String flag, final Path path) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
