package dev.shoal.chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.shoal.core.Region;
import dev.shoal.core.RegionFormatException;
import dev.shoal.core.SharedLongArray;
import org.agrona.concurrent.AtomicBuffer;

import static dev.shoal.chunks.ChunkRegionDescriptor.*;

/**
 * A run's region opened for use: its control words, per-range states and result slots, and the parameters the
 * coordinator wrote into it (checked against the file before any worker reads a byte).
 */
final class ChunkRegion implements AutoCloseable
{
    /**
     * The names of the files a run writes into its side folder: worker logs, spilled results (and their temporary
     * files), a worker's failure line, a test worker's pause marker. Nothing else there is removed.
     */
    private static final Pattern SIDE_FILE = Pattern.compile(
        "worker-\\d+\\.log|range-\\d+(-[0-9a-f]{1,8})?(\\.tmp-\\d+-\\d+)?|" + ChunkWorker.FAILURE_PREFIX +
        "\\d+|paused-\\d+");
    private final Region region;
    private final SharedLongArray control;
    private final SharedLongArray state;
    private final AtomicBuffer results;

    ChunkRegion(final Region region)
    {
        this.region = region;
        this.control = region.longArray(CONTROL);
        this.state = region.longArray(STATE);
        this.results = region.bytes(RESULTS);
    }

    /**
     * The parameters of a run, as stored in the control words.
     *
     * @param fileLength   bytes in the file.
     * @param fileModified the file's last-modified time, epoch ms.
     * @param chunkBytes   bytes per range.
     * @param ranges       range count.
     * @param slotBytes    result slot size.
     * @param jobHash      hash of the job's class names and class files ({@link JobCode}).
     */
    record Params(long fileLength, long fileModified, long chunkBytes, int ranges, int slotBytes, long jobHash)
    {
    }

    /**
     * @param stored the parameters of a kept run.
     * @param run    those of this run.
     * @return what differs between them, in words, or "" when nothing does.
     */
    static String differences(final Params stored, final Params run)
    {
        final List<String> what = new ArrayList<>();
        if (stored.jobHash() != run.jobHash())
        {
            what.add("the job's code differs (its class files changed since: results of the old code are not " +
                "mixed with the new)");
        }
        if (stored.fileLength() != run.fileLength() || stored.fileModified() != run.fileModified())
        {
            what.add("the file changed (length " + stored.fileLength() + ", modified " + stored.fileModified() +
                " then; " + run.fileLength() + ", " + run.fileModified() + " now)");
        }
        if (stored.chunkBytes() != run.chunkBytes())
        {
            what.add("the chunk size differs (" + stored.chunkBytes() + " then, " + run.chunkBytes() + " now)");
        }
        if (what.isEmpty() && !stored.equals(run))
        {
            what.add("the result slot size differs (" + stored.slotBytes() + " then, " + run.slotBytes() + " now)");
        }
        return String.join("; ", what);
    }

    /**
     * @param params a run's parameters.
     * @return true when this region is fresh or holds that very run (so it can be resumed).
     */
    boolean holdsNothingOr(final Params params)
    {
        // Volatile: pairs with the release store of INITIALISED in initialiseOrCheck.
        return control.get(INITIALISED) != INITIALISED_MAGIC || params().equals(params);
    }

    /**
     * Writes the parameters of a new run, or checks them against those of the run the region was made for.
     *
     * @param params this run's parameters.
     * @return true when the region was new (nothing done yet), false when resuming.
     * @throws IllegalStateException when the region belongs to another run, naming the differing field.
     */
    boolean initialiseOrCheck(final Params params)
    {
        // Volatile: pairs with the release store below, by this or an earlier coordinator.
        if (control.get(INITIALISED) != INITIALISED_MAGIC)
        {
            for (int i = 0; i < state.length(); i++)
            {
                state.setPlain(i, FREE);
            }
            control.setPlain(CURSOR, 0);
            control.setPlain(DONE_COUNT, 0);
            control.setPlain(REDONE, 0);
            control.setPlain(FILE_LENGTH, params.fileLength());
            control.setPlain(FILE_MODIFIED, params.fileModified());
            control.setPlain(CHUNK_BYTES, params.chunkBytes());
            control.setPlain(RANGE_COUNT, params.ranges());
            control.setPlain(SLOT_BYTES, params.slotBytes());
            control.setPlain(JOB_HASH, params.jobHash());
            // Release: every word above is visible to a worker that sees INITIALISED.
            control.set(INITIALISED, INITIALISED_MAGIC);
            return true;
        }
        final Params stored = params();
        if (!stored.equals(params))
        {
            throw new IllegalStateException("region " + region.location().path() + " holds another run: " +
                differences(stored, params) + "; stored " + stored + ", this run " + params +
                "; delete the region to start over");
        }
        return false;
    }

    /**
     * @return the parameters stored in the region.
     * @throws RegionFormatException when the coordinator never finished writing them.
     */
    Params params()
    {
        // Volatile: pairs with the coordinator's release store; the plain reads below then see its writes.
        if (control.get(INITIALISED) != INITIALISED_MAGIC)
        {
            throw new RegionFormatException("chunks.control[" + INITIALISED + "]=" + control.get(INITIALISED) +
                ": region " + region.location().path() + " was never initialised by a coordinator");
        }
        final long ranges = control.getPlain(RANGE_COUNT);
        final long slotBytes = control.getPlain(SLOT_BYTES);
        if (ranges != state.length() || slotBytes < SLOT_HEADER + 8 || ranges * slotBytes > results.capacity())
        {
            throw new RegionFormatException("chunks.control: ranges=" + ranges + " slotBytes=" + slotBytes +
                " do not fit states=" + state.length() + " results=" + results.capacity());
        }
        return new Params(control.getPlain(FILE_LENGTH), control.getPlain(FILE_MODIFIED),
            control.getPlain(CHUNK_BYTES), (int)ranges, (int)slotBytes, control.getPlain(JOB_HASH));
    }

    Region region()
    {
        return region;
    }

    SharedLongArray control()
    {
        return control;
    }

    SharedLongArray state()
    {
        return state;
    }

    AtomicBuffer results()
    {
        return results;
    }

    /**
     * @return how many ranges are marked done now (a scan of the state words).
     */
    int countDone()
    {
        int done = 0;
        for (int i = 0; i < state.length(); i++)
        {
            done += state.get(i) == DONE ? 1 : 0;
        }
        return done;
    }

    /**
     * @return the folder next to the region for spilled results and worker logs.
     */
    Path sideFolder()
    {
        return sideFolder(region.location().path());
    }

    /**
     * @param regionPath the region file.
     * @return the folder next to it.
     */
    static Path sideFolder(final Path regionPath)
    {
        return regionPath.resolveSibling(regionPath.getFileName() + ".d");
    }

    /**
     * Removes the files a run wrote into the side folder of {@code regionPath}, then the folder if that left it
     * empty. A folder of that name that holds anything else (a user's own {@code NAME.d} beside a region named
     * {@code NAME}) keeps those files and stays.
     *
     * @param regionPath the region file.
     * @return true when no side folder is left.
     * @throws UncheckedIOException when the folder cannot be read or a file of the run's cannot be removed.
     */
    static boolean deleteSideFolder(final Path regionPath)
    {
        final Path folder = sideFolder(regionPath);
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS))
        {
            return !Files.exists(folder, LinkOption.NOFOLLOW_LINKS);
        }
        try
        {
            return OwnFiles.removeThenFolder(folder, SIDE_FILE); // false: files the run did not write
        }
        catch (final NoSuchFileException ex)
        {
            return true; // removed meanwhile
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + folder + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public void close()
    {
        region.close();
    }
}
