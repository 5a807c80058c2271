package dev.shoal.chunks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.RegionOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Results too large for their slot go to files beside the region: a file written for another region of the same
 * path must never be read as this one's.
 */
class ResultSlotsTest
{
    private static final int SLOT_BYTES = 64;

    @TempDir
    Path dir;

    @Test
    void shouldNeverReadASpillFileWrittenForAnEarlierRegionOfThePath() throws Exception
    {
        final Path path = dir.resolve("run");
        try (Region old = create(path))
        {
            // The run is discarded and made again under the same path while an orphan worker of the old run (its
            // coordinator killed) still maps the old file; it spills the same range after the new run did.
            final ResultSlots orphan = new ResultSlots(new ChunkRegion(old), SLOT_BYTES);
            Files.delete(path);
            try (Region fresh = create(path))
            {
                final ResultSlots current = new ResultSlots(new ChunkRegion(fresh), SLOT_BYTES);
                store(current, "the new run's result, too long for a slot of 64 bytes with its header");
                store(orphan, "the old run's result, too long for a slot of 64 bytes with its header!");
                assertEquals("the new run's result, too long for a slot of 64 bytes with its header",
                    read(current));
            }
        }
        assertTrue(ChunkRegion.deleteSideFolder(path), "every spill file is the run's own: the folder goes");
    }

    @Test
    void shouldReadASpillFileOfARegionKeptByAnEarlierBuild() throws Exception
    {
        final Path path = dir.resolve("kept");
        try (Region region = create(path))
        {
            final ResultSlots slots = new ResultSlots(new ChunkRegion(region), SLOT_BYTES);
            store(slots, "a result kept by a build that named its spill file range-INDEX only");
            // What a build before spill names left: the name word 0 and the file under the plain name.
            final ChunkRegion chunkRegion = new ChunkRegion(region);
            final int slot = ChunkRegionDescriptor.slotOffset(0, SLOT_BYTES);
            final int name = chunkRegion.results().getInt(slot + ChunkRegionDescriptor.SPILL_NAME_OFFSET);
            assertNotEquals(0, name);
            final Path side = ChunkRegion.sideFolder(path);
            Files.move(side.resolve("range-0-" + Integer.toHexString(name)), side.resolve("range-0"));
            chunkRegion.results().putInt(slot + ChunkRegionDescriptor.SPILL_NAME_OFFSET, 0);
            assertEquals("a result kept by a build that named its spill file range-INDEX only", read(slots));
        }
    }

    private static Region create(final Path path)
    {
        return Region.create(RegionLocation.of(path), ChunkRegionDescriptor.spec(1, SLOT_BYTES),
            RegionOptions.defaults());
    }

    private static void store(final ResultSlots slots, final String result)
    {
        final byte[] bytes = result.getBytes(StandardCharsets.UTF_8);
        slots.store(0, 1, bytes.length, new UnsafeBuffer(bytes), bytes.length);
    }

    private static String read(final ResultSlots slots)
    {
        final AtomicReference<String> seen = new AtomicReference<>();
        slots.visit(0, (index, lines, buffer, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            seen.set(new String(bytes, StandardCharsets.UTF_8));
        });
        return seen.get();
    }
}
