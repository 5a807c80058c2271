package dev.shoal.chunks;

import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import dev.shoal.core.Participant;
import dev.shoal.core.ParticipantInfo;
import dev.shoal.core.ProcessLiveness;
import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.RegionOptions;
import dev.shoal.core.Role;
import dev.shoal.core.SharedLongArray;

import static dev.shoal.chunks.ChunkRegionDescriptor.*;

/**
 * The one coordinator of a region's run. Two runs of the same file and job (two threads, two JVMs) derive the same
 * region, and the second one's workers would find the first one's live workers holding ranges and end the run
 * falsely incomplete; so a coordinator first claims the region, by CAS of its participant token into
 * {@code RUN_OWNER}, and a second coordinator that finds a live owner there fails at once, naming the owner's pid.
 * An owner that was killed (its process is gone) or closed its participant is dead and is taken over, by CAS
 * from the dead token: a killed run still resumes.
 *
 * <p>A finished run deletes the region's file while it still owns it, so a second coordinator that mapped the
 * file just before it was deleted holds an unlinked copy. To tell, the owner writes a random {@code RUN_ID} after
 * its CAS and reads it back through a fresh mapping of the path: another value (or no file) means the mapped file
 * is not the one the path names, and the caller opens the path again.
 */
final class RunOwner implements AutoCloseable
{
    private final ChunkRegion region;
    private final Participant participant;

    private RunOwner(final ChunkRegion region, final Participant participant)
    {
        this.region = region;
        this.participant = participant;
    }

    /**
     * Claims the run of an open region for this coordinator.
     *
     * @param region   the region, open.
     * @param file     the file of this run (for the message).
     * @param jobClass the job of this run (for the message).
     * @return the claim, or null when the mapped file is no longer the one its path names (a finished run deleted
     *     it meanwhile): close the region and open the path again.
     * @throws IllegalStateException when a live coordinator runs the region, naming its pid.
     */
    static RunOwner claim(final ChunkRegion region, final Path file, final String jobClass)
    {
        final Participant me = region.region().attach(Role.SUPERVISOR);
        boolean claimed = false;
        try
        {
            final SharedLongArray control = region.control();
            while (true)
            {
                final long owner = control.get(RUN_OWNER); // volatile: pairs with the owner's CAS
                if (owner != 0 && region.region().participants().isAlive(owner))
                {
                    if (!isCurrent(region, control.get(RUN_ID)))
                    {
                        return null; // a copy its finished run deleted: the path may hold a fresh region
                    }
                    throw inProgress(region, owner, file, jobClass,
                        "it then resumes whatever that run leaves undone");
                }
                // CAS from the free or dead owner we read: of two coordinators, exactly one wins.
                if (control.compareAndSet(RUN_OWNER, owner, me.token()))
                {
                    final long id = ThreadLocalRandom.current().nextLong() | 1; // never 0, a fresh region's value
                    control.set(RUN_ID, id);
                    if (!isCurrent(region, id))
                    {
                        return null;
                    }
                    claimed = true;
                    return new RunOwner(region, me);
                }
            }
        }
        finally
        {
            if (!claimed)
            {
                me.close();
            }
        }
    }

    /**
     * Refuses to discard a region whose run is in progress: a run with other parameters must not delete the
     * region of a live run under its workers.
     *
     * @param region   a region of this name, open.
     * @param file     the file of this run (for the message).
     * @param jobClass the job of this run (for the message).
     * @param differs  how the region's run differs from this one (for the message: a later run discards it).
     * @throws IllegalStateException when a live coordinator runs the region, naming its pid.
     */
    static void refuseIfRunning(final ChunkRegion region, final Path file, final String jobClass,
        final String differs)
    {
        final SharedLongArray control = region.control();
        if (control.length() <= RUN_OWNER)
        {
            return; // a region of an older Shoal, which had no owner word
        }
        final long owner = control.get(RUN_OWNER);
        if (owner != 0 && region.region().participants().isAlive(owner))
        {
            // Not "it then resumes": this run's settings differ, so this one starts over (discarding a kept region).
            throw inProgress(region, owner, file, jobClass, "it then starts over, discarding that run's region if it " +
                "was kept, since " + differs);
        }
    }

    /**
     * @return whether the file the path names now is the one this region maps: its {@code RUN_ID} reads the same.
     */
    private static boolean isCurrent(final ChunkRegion region, final long id)
    {
        final RegionLocation location = region.region().location();
        try (Region fresh = Region.open(location, RegionOptions.defaults()))
        {
            final SharedLongArray control = fresh.longArray(CONTROL);
            return control.length() > RUN_ID && control.get(RUN_ID) == id;
        }
        catch (final RuntimeException ex)
        {
            return false; // deleted, or another region (layout) made under the name since
        }
    }

    private static IllegalStateException inProgress(final ChunkRegion region, final long owner, final Path file,
        final String jobClass, final String afterwards)
    {
        long pid = -1;
        for (final ParticipantInfo info : region.region().participants().snapshot())
        {
            if (info.token() == owner)
            {
                pid = info.pid();
            }
        }
        final String who = pid == ProcessLiveness.currentPid() ? "pid " + pid + ", this JVM" :
            pid > 0 ? "pid " + pid : "pid unknown";
        return new IllegalStateException("another run of " + file + " with " + jobClass + " is in progress (its " +
            "coordinator is " + who + ") on the region " + region.region().location().path() + ": this run did " +
            "nothing and changed nothing; run it again once that run has ended (" + afterwards + ")");
    }

    /**
     * Deletes a finished run's region and its side folder. The claim is given up only after this (by
     * {@link #close()}), so that no other run can claim the file between the end of this one and its deletion.
     */
    void deleteRegion()
    {
        Region.delete(region.region().location());
        ChunkRegion.deleteSideFolder(region.region().location().path());
    }

    /**
     * Gives the run up: another coordinator may claim it from now on. Call after a finished run deleted the region
     * (so that nobody claims the file before it is gone), or when the run ends without deleting it.
     */
    @Override
    public void close()
    {
        if (!region.region().isClosed())
        {
            // CAS from our token: a coordinator that took over from us (it judged us dead) keeps its claim.
            region.control().compareAndSet(RUN_OWNER, participant.token(), 0);
        }
        participant.close();
    }
}
