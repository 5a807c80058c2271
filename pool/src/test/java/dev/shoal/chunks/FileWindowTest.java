package dev.shoal.chunks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window's two ways of holding bytes: the reused buffer that positional reads fill, and a buffer of its own
 * for a span longer than that (it was a mapping, which a file cut under it turned into a SIGBUS); and a file that
 * shrank under the reader.
 */
class FileWindowTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadShortSpansIntoTheReusedBufferAndLongerOnesIntoTheirOwn() throws IOException
    {
        final byte[] bytes = new byte[10_000];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)('a' + i % 26);
        }
        final Path file = Files.write(dir.resolve("f.txt"), bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            FileWindow window = new FileWindow(channel, bytes.length, 1024))
        {
            window.cover(100, 200);
            assertTrue(window.buffer().byteBuffer().isDirect(), "a reused direct buffer");
            assertNull(window.buffer().byteArray());
            assertEquals(FileWindow.MARGIN + 1024 + 1024 / 16, window.buffer().capacity(),
                "a margin, then a window and a sixteenth, read at once");
            assertEquals(FileWindow.MARGIN, window.indexOf(100), "the first byte after the margin");
            assertEquals(bytes[150], window.buffer().getByte(window.indexOf(150)));

            window.cover(3000, 8000); // longer than the buffer: a buffer of its own, exactly as long as asked
            assertEquals(FileWindow.MARGIN + 5000, window.buffer().capacity());
            assertEquals(FileWindow.MARGIN, window.indexOf(3000), "with the same margin");
            assertEquals(bytes[7999], window.buffer().getByte(window.indexOf(7999)));

            window.cover(9990, 9995); // back to a read: clipped at the end of the file
            assertEquals(FileWindow.MARGIN + 10, window.buffer().capacity());
            assertEquals(bytes[9999], window.byteAt(9999));
        }
    }

    @Test
    void shouldFindNewlinesAtTheirFilePositionsInReadWindowsAndLongLines() throws IOException
    {
        final byte[] bytes = "abc\n".repeat(2000).getBytes(StandardCharsets.US_ASCII); // a '\n' at 3, 7, 11, ...
        final Path file = Files.write(dir.resolve("n.txt"), bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            FileWindow window = new FileWindow(channel, bytes.length, 256))
        {
            assertEquals(3, window.indexOfNewline(0, bytes.length));
            assertEquals(7999, window.indexOfNewline(7997, bytes.length), "found after the window moved on");
            assertEquals(-1, window.indexOfNewline(4, 7));
            window.cover(1000, 5000); // longer than the window: a buffer of its own
            assertEquals(1003, window.indexOfNewline(1000, 5000));
            assertEquals('\n', window.buffer().getByte(window.indexOf(1003)));
        }
    }

    @Test
    void shouldRefuseAFileThatShrankRatherThanReadFewerLines() throws IOException
    {
        final byte[] lines = "one\ntwo\n".repeat(13).substring(0, 100).getBytes(StandardCharsets.US_ASCII);
        final Path file = Files.write(dir.resolve("g.txt"), lines);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            FileWindow window = new FileWindow(channel, Files.size(file), 4096)) // the run sees 100 bytes
        {
            try (FileChannel writer = FileChannel.open(file, StandardOpenOption.WRITE))
            {
                writer.truncate(8); // another process cuts the file while the run is under way: 8 bytes are left
            }
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> window.cover(0, 4));
            assertEquals("file shrank while being read: expected 100 bytes, it now has 8 (a read at byte 8 found " +
                "its end)", ex.getMessage());
        }
    }

    /**
     * A line longer than the window in a file cut while the run reads: it was mapped, and the JDK's CRC32C stub
     * reading the mapping past the file's new end raised SIGBUS, which killed the JVM. Now it is read, and refused.
     */
    @Test
    void shouldRefuseALongLineOfAFileThatShrankInsteadOfMappingIt() throws IOException
    {
        final byte[] line = new byte[20_000];
        java.util.Arrays.fill(line, (byte)'x');
        line[line.length - 1] = '\n';
        final Path file = Files.write(dir.resolve("long.txt"), line);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            FileWindow window = new FileWindow(channel, Files.size(file), 1024))
        {
            try (FileChannel writer = FileChannel.open(file, StandardOpenOption.WRITE))
            {
                writer.truncate(4096);
            }
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> window.cover(0, line.length));
            assertEquals("file shrank while being read: expected 20000 bytes, it now has 4096 (a read at byte 4096 " +
                "found its end)", ex.getMessage());
        }
    }

    /** Cut before the range read: the message gave where the read stopped (byte 40) as the file's end. */
    @Test
    void shouldSayTheLengthAFileShrankToWhenItWasCutBeforeTheRangeRead() throws IOException
    {
        final byte[] lines = "one\ntwo\n".repeat(13).substring(0, 100).getBytes(StandardCharsets.US_ASCII);
        final Path file = Files.write(dir.resolve("h.txt"), lines);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            FileWindow window = new FileWindow(channel, Files.size(file), 4096))
        {
            try (FileChannel writer = FileChannel.open(file, StandardOpenOption.WRITE))
            {
                writer.truncate(8);
            }
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> window.cover(40, 4));
            assertEquals("file shrank while being read: expected 100 bytes, it now has 8 (a read at byte 40 found " +
                "its end)", ex.getMessage());
        }
    }
}
