package dev.shoal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.shoal.testing.SmallTmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A region on a file system without room for it. A region file is sparse: the kernel gives each page when it is
 * first touched, and a page it cannot give faults (SIGBUS) in whichever process touches it. A 130 MB heap was
 * created on a 10 MB tmpfs, and then inspect, delete and even delete --force failed with the JVM's bare "a fault
 * occurred in a recent unsafe memory access operation". On a small tmpfs this test mounts (as root; skipped where
 * it cannot) and unmounts itself.
 */
@Timeout(60)
class RegionSpaceTest
{
    private static final long FS_BYTES = 8L << 20;

    @TempDir
    Path dir;

    private SmallTmpfs tmpfs;
    private Path mount;

    @BeforeEach
    void mountSmallTmpfs() throws IOException
    {
        tmpfs = SmallTmpfs.mount(dir, FS_BYTES);
        assumeTrue(tmpfs != null, "cannot mount a tmpfs here (not root?)");
        mount = tmpfs.path();
    }

    @AfterEach
    void unmount()
    {
        if (tmpfs != null)
        {
            tmpfs.close();
        }
    }

    @Test
    void shouldRefuseToCreateARegionLargerThanItsFileSystemHasRoomFor() throws IOException
    {
        final Path region = mount.resolve("big");
        final CliRun create = CliRun.run("create", region.toString(), "--heap", "h:1000000:64");
        assertEquals(ShoalCli.EXIT_FAILURE, create.code(), create.out());
        assertTrue(create.err().startsWith("shoal create: not enough space for region " + region + ": it takes ") &&
            create.err().contains(" bytes and the file system of " + mount + " has "), create.err());
        try (var files = Files.list(mount))
        {
            assertEquals(List.of(), files.toList(), "no file left behind");
        }
    }

    @Test
    void shouldNameAFaultOfAFullFileSystemAndDeleteTheRegionWithForce() throws IOException
    {
        final Path region = mount.resolve("heap");
        final CliRun create = CliRun.run("create", region.toString(), "--heap", "h:20000:64");
        assertEquals(0, create.code(), create.err());
        final long size = Files.size(region);
        assertTrue(size < FS_BYTES / 2, "fits: " + size);
        fill(mount.resolve("filler")); // the region's untouched pages now cannot be given

        final CliRun inspect = CliRun.run("inspect", region.toString());
        assertEquals(ShoalCli.EXIT_FAILURE, inspect.code(), inspect.out());
        assertTrue(inspect.err().startsWith("shoal inspect: region " + region + " faulted (its file system has ") &&
            inspect.err().contains(" bytes usable, less than its " + size), inspect.err());

        final CliRun delete = CliRun.run("delete", region.toString());
        assertEquals(ShoalCli.EXIT_FAILURE, delete.code(), delete.out());
        assertTrue(delete.err().startsWith("shoal delete: not deleting " + region + ": reading it faulted (") &&
            delete.err().contains("use --force to delete it anyway"), delete.err());
        assertTrue(Files.exists(region));

        final CliRun forced = CliRun.run("delete", "--force", region.toString());
        assertEquals(0, forced.code(), forced.err());
        assertEquals("deleted " + region, forced.out().strip());
        assertFalse(Files.exists(region));
    }

    /** A sample larger than the disk filled it and failed part way, leaving a partial file. */
    @Test
    void shouldRefuseToGenerateASampleLargerThanItsFileSystemHasRoomFor() throws IOException
    {
        final Path sample = mount.resolve("sample.csv");
        final CliRun generate = CliRun.run("demo", "chunks", "--generate", "20MB", "--file", sample.toString());
        assertEquals(ShoalCli.EXIT_FAILURE, generate.code(), generate.out());
        assertTrue(generate.err().startsWith("shoal demo chunks: not enough space for a sample of ") &&
            generate.err().contains(" in " + mount + ": "), generate.err());
        try (var files = Files.list(mount))
        {
            assertEquals(List.of(), files.toList(), "no file left behind");
        }
        assertEquals(0, CliRun.run("demo", "chunks", "--generate", "1MB", "--file", sample.toString()).code());
        try (var files = Files.list(mount))
        {
            assertEquals(List.of(sample), files.toList(), "written aside and renamed into place");
        }
    }

    /** Writes a file until its file system is full. */
    private static void fill(final Path file) throws IOException
    {
        final byte[] block = new byte[64 << 10];
        java.util.Arrays.fill(block, (byte)1);
        try (var out = Files.newOutputStream(file))
        {
            while (true)
            {
                out.write(block);
            }
        }
        catch (final IOException ex)
        {
            if (!String.valueOf(ex.getMessage()).contains("No space left"))
            {
                throw ex;
            }
        }
        assertTrue(Files.getFileStore(file).getUsableSpace() < (64 << 10), "full");
    }
}
