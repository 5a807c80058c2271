package dev.shoal.core;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each way a region file can be wrong gives a {@link RegionFormatException} naming the field and the value.
 */
class RegionFormatTest
{
    @TempDir
    Path dir;

    private Path validRegion(final String name)
    {
        final Path path = dir.resolve(name);
        Region.create(path.toString(), RegionSpec.builder().longArray("offsets", 16).longArray("done", 4)
            .participants(8).build()).close();
        return path;
    }

    private static RegionFormatException openFails(final Path path)
    {
        return assertThrows(RegionFormatException.class, () -> Region.open(RegionLocation.of(path),
            RegionOptions.defaults().withReadyTimeout(Duration.ofMillis(50))));
    }

    private static void putLong(final Path path, final long offset, final long value) throws Exception
    {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value), offset);
        }
    }

    private static void putInt(final Path path, final long offset, final int value) throws Exception
    {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE))
        {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value), offset);
        }
    }

    @Test
    void shouldRejectEmptyFile() throws Exception
    {
        final Path path = Files.createFile(dir.resolve("empty"));
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("file length=0") && ex.getMessage().contains("empty"), ex.getMessage());
    }

    @Test
    void shouldRejectFileTruncatedInsideTheHeader() throws Exception
    {
        final Path path = validRegion("short");
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"))
        {
            raf.setLength(100);
        }
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("file length=100") && ex.getMessage().contains("truncated"),
            ex.getMessage());
    }

    @Test
    void shouldRejectFileTruncatedAfterTheHeader() throws Exception
    {
        final Path path = validRegion("cut");
        final long full = Files.size(path);
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"))
        {
            raf.setLength(full - HeaderDescriptor.PAGE_SIZE);
        }
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("region " + path + " is " + (full - HeaderDescriptor.PAGE_SIZE) +
            " bytes but its header says " + full + ": truncated"), ex.getMessage());
    }

    @Test
    void shouldRejectForeignFile() throws Exception
    {
        final Path path = dir.resolve("foreign.csv");
        final StringBuilder sb = new StringBuilder();
        while (sb.length() < 10_000)
        {
            sb.append("user_id,item_id,behavior_type\n");
        }
        Files.writeString(path, sb, StandardCharsets.US_ASCII);
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("header.magic=") && ex.getMessage().contains("not a Shoal region"),
            ex.getMessage());
    }

    @Test
    void shouldRejectNewerLayout() throws Exception
    {
        final Path path = validRegion("newer");
        putInt(path, HeaderDescriptor.VERSION_OFFSET, HeaderDescriptor.LAYOUT_VERSION + 1);
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("header.version=" + (HeaderDescriptor.LAYOUT_VERSION + 1)) &&
            ex.getMessage().contains("newer"), ex.getMessage());
    }

    @Test
    void shouldRejectOlderLayoutWhoseProcessesIdentifyThemselvesDifferently() throws Exception
    {
        final Path path = validRegion("older");
        putInt(path, HeaderDescriptor.VERSION_OFFSET, 1);
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("header.version=1") && ex.getMessage().contains("older"),
            ex.getMessage());
    }

    @Test
    void shouldCallAVersionBelowOneCorruptNotOlder() throws Exception
    {
        for (final int version : new int[] {0, -1, Integer.MIN_VALUE})
        {
            final Path path = validRegion("version" + version);
            putInt(path, HeaderDescriptor.VERSION_OFFSET, version);
            final RegionFormatException ex = openFails(path);
            assertTrue(ex.getMessage().contains("header.version=" + version) && ex.getMessage().contains("corrupt") &&
                !ex.getMessage().contains("older"), ex.getMessage());
        }
    }

    @Test
    void shouldRejectDirectoryPointingOutsideTheFile() throws Exception
    {
        final Path path = validRegion("outside");
        final long entry = DirectoryDescriptor.entryOffset(HeaderDescriptor.HEADER_LENGTH, 1);
        putLong(path, entry + DirectoryDescriptor.STRUCTURE_OFFSET_OFFSET, 1L << 40);
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("directory[1].offset=" + (1L << 40)) &&
            ex.getMessage().contains("beyond region length"), ex.getMessage());
    }

    @Test
    void shouldRejectDirectoryLengthOutsideTheFile() throws Exception
    {
        final Path path = validRegion("longer");
        final long entry = DirectoryDescriptor.entryOffset(HeaderDescriptor.HEADER_LENGTH, 0);
        putLong(path, entry + DirectoryDescriptor.STRUCTURE_LENGTH_OFFSET, Long.MAX_VALUE);
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("directory[0].length=" + Long.MAX_VALUE), ex.getMessage());
    }

    @Test
    void shouldRejectUnknownKindAndBadName() throws Exception
    {
        final Path kind = validRegion("kind");
        putInt(kind, DirectoryDescriptor.entryOffset(HeaderDescriptor.HEADER_LENGTH, 0), 99);
        assertTrue(openFails(kind).getMessage().contains("directory[0].kind=99 unknown"));

        final Path name = validRegion("name");
        putInt(name, DirectoryDescriptor.entryOffset(HeaderDescriptor.HEADER_LENGTH, 1) +
            DirectoryDescriptor.NAME_LENGTH_OFFSET, 400);
        assertTrue(openFails(name).getMessage().contains("directory[1].nameLength=400"));
    }

    @Test
    void shouldRejectArrayParametersThatDoNotFit() throws Exception
    {
        final Path path = validRegion("params");
        putLong(path, DirectoryDescriptor.entryOffset(HeaderDescriptor.HEADER_LENGTH, 0) +
            DirectoryDescriptor.paramOffset(LongArrayDescriptor.PARAM_LENGTH), 1_000_000);
        try (Region region = Region.open(path.toString()))
        {
            final RegionFormatException ex = assertThrows(RegionFormatException.class,
                () -> region.longArray("offsets"));
            assertTrue(ex.getMessage().contains("too small for array length=1000000"), ex.getMessage());
        }
    }

    @Test
    void shouldRejectNeverCompletedRegionOfDeadCreator() throws Exception
    {
        final Path path = validRegion("unready");
        putInt(path, HeaderDescriptor.READY_OFFSET, 0);
        putLong(path, HeaderDescriptor.CREATOR_PID_OFFSET, ProcessLiveness.MAX_PID);
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("header.ready=0") && ex.getMessage().contains("never completed"),
            ex.getMessage());
    }

    @Test
    void shouldTimeOutOnNotReadyRegionOfLiveCreator() throws Exception
    {
        final Path path = validRegion("slow");
        putInt(path, HeaderDescriptor.READY_OFFSET, 0);
        final RegionFormatException ex = openFails(path);
        assertTrue(ex.getMessage().contains("not ready after 50 ms"), ex.getMessage());
    }
}
