package dev.shoal.bench.peer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

import dev.shoal.bench.proc.CaseDir;
import dev.shoal.chunks.CsvGenerator;
import dev.shoal.chunks.LineChecksum;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The input files of the {@code chunks} workload: CSV files made by {@link CsvGenerator} (fixed seed) in one case
 * directory on {@code /dev/shm} (so in page cache, as issue 6 asks), one per size, made once per harness run and
 * shared by every implementation; removed when the harness JVM exits. Also the single-threaded reference scan,
 * whose figures every implementation's result must equal.
 */
public final class ChunkFiles
{
    private static final Map<Long, Path> FILES = new HashMap<>();
    private static final Map<Path, LineChecksum> EXPECTED = new HashMap<>();
    private static CaseDir dir;

    private ChunkFiles()
    {
    }

    /**
     * @param bytes size to reach (whole lines: the file may be a line longer).
     * @return the file, generated on first use.
     */
    public static synchronized Path file(final long bytes)
    {
        Path file = FILES.get(bytes);
        if (file == null)
        {
            if (dir == null)
            {
                dir = CaseDir.create("chunks-input");
                final CaseDir created = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(created::close, "chunks-input-cleanup"));
            }
            file = dir.file("input-" + bytes + ".csv");
            try
            {
                CsvGenerator.generate(file, bytes, CsvGenerator.DEFAULT_SEED);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot generate " + file, ex);
            }
            FILES.put(bytes, file);
        }
        return file;
    }

    /**
     * @param file an input file.
     * @return its lines and checksum by the reference scan (computed once).
     */
    public static synchronized LineChecksum expected(final Path file)
    {
        return EXPECTED.computeIfAbsent(file, ChunkFiles::scan);
    }

    /**
     * The single-threaded reference: maps the whole file and hands every line (split on {@code '\n'}; a last
     * line without one counts) to {@link LineChecksum#add}, the per-line work of the demo's job.
     *
     * @param file the file, at most 2 GiB - 1.
     * @return its figures.
     */
    public static LineChecksum scan(final Path file)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException("reference scan maps one window: file of " + size + " bytes");
            }
            final LineChecksum sum = new LineChecksum();
            if (size == 0)
            {
                return sum;
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            try
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(mapped);
                final int length = (int)size;
                int start = 0;
                for (int i = 0; i < length; i++)
                {
                    if (buffer.getByte(i) == '\n')
                    {
                        sum.add(buffer, start, i - start);
                        start = i + 1;
                    }
                }
                if (start < length)
                {
                    sum.add(buffer, start, length - start);
                }
                return sum;
            }
            finally
            {
                IoUtil.unmap(mapped);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
    }

    /**
     * @param file   the input.
     * @param lines  lines an implementation counted.
     * @param actual its checksum.
     * @throws IllegalStateException when they differ from the reference.
     */
    public static void check(final Path file, final long lines, final long actual)
    {
        final LineChecksum expected = expected(file);
        if (lines != expected.lines() || actual != expected.checksum())
        {
            throw new IllegalStateException("chunks of " + file.getFileName() + ": " + lines + " lines, checksum " +
                Long.toUnsignedString(actual) + "; reference " + expected);
        }
    }
}
