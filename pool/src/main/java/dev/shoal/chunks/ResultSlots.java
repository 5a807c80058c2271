package dev.shoal.chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.shoal.core.RegionFormatException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.chunks.ChunkRegionDescriptor.*;

/**
 * Per-range results: a slot in the region each (see {@link ChunkRegionDescriptor}), or, for a result larger
 * than its slot, a file {@code range-INDEX-NAME} in the side folder, written under a temporary name and renamed
 * into place (so a reader never sees half a file). NAME is random, chosen by the writer and kept in the slot: a
 * region discarded and made again under the same path keeps its side folder, and a worker still writing for the
 * old one (an orphan of a killed coordinator) must not replace a file the new one reads. Writers write a slot
 * before marking the range done ({@link RangeClaims#markDone}); readers read it after seeing DONE.
 */
final class ResultSlots
{
    /**
     * Receives results in file order.
     */
    interface Visitor
    {
        /**
         * @param index  range index.
         * @param lines  lines the range owns.
         * @param buffer the encoded result.
         * @param offset its first byte.
         * @param length its length.
         */
        void onResult(int index, long lines, DirectBuffer buffer, int offset, int length);
    }

    private static final AtomicLong TEMP_NAMES = new AtomicLong();

    private final AtomicBuffer results;
    private final int slotBytes;
    private final Path sideFolder;

    ResultSlots(final ChunkRegion region, final int slotBytes)
    {
        this.results = region.results();
        this.slotBytes = slotBytes;
        this.sideFolder = region.sideFolder();
    }

    /**
     * @param index   range index.
     * @param lines   lines the range owns.
     * @param covered bytes of those lines, newlines included.
     * @param result  encoded result.
     * @param length  its length.
     */
    void store(final int index, final long lines, final long covered, final DirectBuffer result, final int length)
    {
        final int slot = slotOffset(index, slotBytes);
        final int resultLength;
        int spillName = 0;
        if (length <= slotBytes - SLOT_HEADER)
        {
            results.putBytes(slot + SLOT_HEADER, result, 0, length);
            resultLength = length;
        }
        else
        {
            spillName = newSpillName();
            spill(index, spillName, result, length);
            resultLength = SPILLED;
        }
        // Plain stores: published by the CAS to DONE that follows in RangeClaims.markDone.
        results.putLong(slot + LINES_OFFSET, lines);
        results.putLong(slot + COVERED_OFFSET, covered);
        results.putInt(slot + SPILL_NAME_OFFSET, spillName);
        results.putInt(slot + RESULT_LENGTH_OFFSET, resultLength);
    }

    /**
     * @param index a range marked DONE.
     * @return lines it owns.
     */
    long lines(final int index)
    {
        return results.getLong(slotOffset(index, slotBytes) + LINES_OFFSET);
    }

    /**
     * @param index a range marked DONE.
     * @return bytes of its lines.
     */
    long covered(final int index)
    {
        return results.getLong(slotOffset(index, slotBytes) + COVERED_OFFSET);
    }

    /**
     * Hands a done range's result to the visitor.
     *
     * @param index   a range marked DONE.
     * @param visitor receives it.
     */
    void visit(final int index, final Visitor visitor)
    {
        final int slot = slotOffset(index, slotBytes);
        final int length = results.getInt(slot + RESULT_LENGTH_OFFSET);
        if (length == SPILLED)
        {
            final byte[] bytes = readSpilled(index, results.getInt(slot + SPILL_NAME_OFFSET));
            visitor.onResult(index, lines(index), new UnsafeBuffer(bytes), 0, bytes.length);
        }
        else if (length >= 0 && length <= slotBytes - SLOT_HEADER)
        {
            visitor.onResult(index, lines(index), results, slot + SLOT_HEADER, length);
        }
        else
        {
            throw new RegionFormatException("chunks.results[" + index + "].length=" + length + " out of range 0.." +
                (slotBytes - SLOT_HEADER));
        }
    }

    private static int newSpillName()
    {
        int name;
        do
        {
            name = ThreadLocalRandom.current().nextInt();
        }
        while (name == 0);
        return name;
    }

    /**
     * @param index     range index.
     * @param spillName the slot's spill name; 0 in a region of a build before session 34.
     * @return the file of that range's spilled result.
     */
    private Path spillFile(final int index, final int spillName)
    {
        return sideFolder.resolve(spillName == 0 ? "range-" + index :
            "range-" + index + "-" + Integer.toHexString(spillName));
    }

    private void spill(final int index, final int spillName, final DirectBuffer result, final int length)
    {
        final Path target = spillFile(index, spillName);
        final Path temp = sideFolder.resolve(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" +
            TEMP_NAMES.incrementAndGet());
        try
        {
            Files.createDirectories(sideFolder);
            final ByteBuffer bytes = ByteBuffer.allocate(length);
            result.getBytes(0, bytes, length);
            bytes.flip();
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write result of range " + index + " to " + target, ex);
        }
    }

    private byte[] readSpilled(final int index, final int spillName)
    {
        final Path path = spillFile(index, spillName);
        try
        {
            return Files.readAllBytes(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read result of range " + index + " from " + path, ex);
        }
    }
}
