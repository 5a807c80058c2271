package dev.shoal.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.core.HeaderDescriptor.*;

/**
 * One memory-mapped file shared by every process that opens it: a header, a directory of named structures, a
 * participant table, then the structures. See {@link HeaderDescriptor}, {@link DirectoryDescriptor},
 * {@link ParticipantDescriptor} and {@code docs/layout.md} for the bytes.
 *
 * <pre>{@code
 * RegionSpec spec = RegionSpec.builder().longArray("offsets", 64).build();
 * try (Region region = Region.openOrCreate("demo", spec)) {
 *     SharedLongArray offsets = region.longArray("offsets");
 *     long start = offsets.getAndAdd(0, 4096);
 * }
 * }</pre>
 *
 * <p>A region object is thread-safe for lookups; {@link #close()} unmaps the file, after which the structures
 * obtained from it must not be used (they check and throw {@link IllegalStateException} where they can).
 */
public final class Region implements AutoCloseable
{
    private final RegionLocation location;
    private final RegionFiles.Mapping mapping;
    private final AtomicBuffer buffer;
    private final List<StructureInfo> directory;
    private final ParticipantTable participants;
    private final boolean created;
    private final long regionLength;
    /*
     * Header fields the creator wrote once, before the file got its name: read once at open, so that their getters
     * answer after close too (reading the unmapped header crashed the JVM).
     */
    private final int layoutVersion;
    private final long creatorPid;
    private final long creatorStartMillis;
    private final long createdAtMillis;
    private final int flags;
    private final List<Participant> attached = new ArrayList<>();
    private volatile boolean closed;

    private Region(
        final RegionLocation location,
        final RegionFiles.Mapping mapping,
        final List<StructureInfo> directory,
        final boolean created)
    {
        this.location = location;
        this.mapping = mapping;
        this.buffer = mapping.buffer();
        this.directory = List.copyOf(directory);
        this.participants = new ParticipantTable(buffer, buffer.getInt(PARTICIPANTS_OFFSET_OFFSET),
            buffer.getInt(PARTICIPANT_CAPACITY_OFFSET), this::isIntact, this::checkOpen);
        this.created = created;
        this.regionLength = buffer.getLong(REGION_LENGTH_OFFSET); // validated against the file by checkLayout
        this.layoutVersion = buffer.getInt(VERSION_OFFSET);
        this.creatorPid = buffer.getLong(CREATOR_PID_OFFSET);
        this.creatorStartMillis = buffer.getLong(CREATOR_START_OFFSET);
        this.createdAtMillis = buffer.getLong(CREATED_AT_OFFSET);
        this.flags = buffer.getInt(FLAGS_OFFSET);
    }

    private static List<StructureInfo> layoutOf(final RegionLocation location, final RegionFiles.Mapping mapping)
    {
        return RegionValidator.checkLayout(mapping.buffer(), mapping.length(), location.path());
    }

    /**
     * Creates a new region; fails when one exists already.
     *
     * @param nameOrPath a bare name (in {@code /dev/shm/shoal}) or a path.
     * @param spec       the layout.
     * @return the open region.
     * @throws IllegalStateException when a region exists at that location.
     * @throws IllegalArgumentException when the path is a folder, or its folder does not exist (only the folder of
     *                                  bare names is made).
     */
    public static Region create(final String nameOrPath, final RegionSpec spec)
    {
        return create(RegionLocation.of(nameOrPath), spec, RegionOptions.defaults());
    }

    /**
     * @param location where.
     * @param spec     the layout.
     * @param options  file mode and waits.
     * @return the open region.
     * @throws IllegalStateException when a region exists at that location.
     * @throws IllegalArgumentException when the path is a folder, or its folder does not exist (only the folder of
     *                                  bare names is made).
     */
    public static Region create(final RegionLocation location, final RegionSpec spec, final RegionOptions options)
    {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        final RegionFiles.Mapping mapping = RegionFiles.createAndLink(location, spec, options);
        if (mapping == null)
        {
            throw new IllegalStateException("region already exists: " + location.path());
        }
        return new Region(location, mapping, layoutOf(location, mapping), true);
    }

    /**
     * Opens an existing region, whatever its layout.
     *
     * @param nameOrPath a bare name or a path.
     * @return the open region.
     * @throws RegionNotFoundException when there is no file.
     * @throws RegionFormatException   when the file is not a valid region.
     */
    public static Region open(final String nameOrPath)
    {
        return open(RegionLocation.of(nameOrPath), RegionOptions.defaults());
    }

    /**
     * @param location where.
     * @param options  waits.
     * @return the open region.
     */
    public static Region open(final RegionLocation location, final RegionOptions options)
    {
        final RegionFiles.Mapping mapping = RegionFiles.mapExisting(location);
        try
        {
            RegionValidator.checkPreamble(mapping.buffer(), mapping.length());
            awaitReady(location, mapping.buffer(), options);
            return new Region(location, mapping, layoutOf(location, mapping),
                false);
        }
        catch (final RuntimeException ex)
        {
            mapping.unmap();
            throw ex;
        }
    }

    /**
     * Opens the region when it exists and matches the spec, or creates it. Safe when many processes race.
     *
     * @param nameOrPath a bare name or a path.
     * @param spec       the layout.
     * @return the open region.
     * @throws RegionMismatchException when an existing region has another layout.
     * @throws IllegalArgumentException when it must be created and the path is a folder, or its folder does not
     *                                  exist (only the folder of bare names is made).
     */
    public static Region openOrCreate(final String nameOrPath, final RegionSpec spec)
    {
        return openOrCreate(RegionLocation.of(nameOrPath), spec, RegionOptions.defaults());
    }

    /**
     * @param location where.
     * @param spec     the layout.
     * @param options  file mode and waits.
     * @return the open region.
     */
    public static Region openOrCreate(
        final RegionLocation location, final RegionSpec spec, final RegionOptions options)
    {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        for (int attempt = 0; ; attempt++)
        {
            if (!java.nio.file.Files.exists(location.path()))
            {
                final RegionFiles.Mapping mapping = RegionFiles.createAndLink(location, spec, options);
                if (mapping != null)
                {
                    return new Region(location, mapping,
                        layoutOf(location, mapping), true);
                }
            }
            try
            {
                final Region region = open(location, options);
                try
                {
                    RegionValidator.checkMatches(location, region.directory, region.participants.capacity(), spec);
                }
                catch (final RuntimeException ex)
                {
                    region.close();
                    throw ex;
                }
                return region;
            }
            catch (final RegionNotFoundException ex)
            {
                if (attempt >= 100)
                {
                    throw ex; // deleted again and again under our feet
                }
            }
        }
    }

    /**
     * Deletes a region's file. Processes that have it mapped keep their mapping until they close it.
     *
     * @param nameOrPath a bare name or a path.
     * @return true when a file was deleted.
     */
    public static boolean delete(final String nameOrPath)
    {
        return RegionFiles.delete(RegionLocation.of(nameOrPath));
    }

    /**
     * @param location where.
     * @return true when a file was deleted.
     */
    public static boolean delete(final RegionLocation location)
    {
        return RegionFiles.delete(location);
    }

    private static void awaitReady(final RegionLocation location, final AtomicBuffer buffer,
        final RegionOptions options)
    {
        final long deadline = System.nanoTime() + Timeouts.nanos(options.readyTimeout());
        // Acquire: pairs with the creator's release store of READY, after which header and directory are fixed.
        while (buffer.getIntAcquire(READY_OFFSET) != READY)
        {
            final long pid = buffer.getLong(CREATOR_PID_OFFSET);
            // By pid alone (the header keeps a display start time, not start ticks): errs toward waiting.
            final boolean creatorAlive = pid > 0 && pid <= ProcessLiveness.MAX_PID &&
                ProcessLiveness.isAlive(ProcessLiveness.identity(pid, 0));
            if (!creatorAlive)
            {
                throw new RegionFormatException("header.ready=" + buffer.getIntVolatile(READY_OFFSET) +
                    ": region " + location.path() + " was never completed and its creator (pid=" + pid +
                    ") is gone; delete it and create it again");
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new RegionFormatException("header.ready=0: region " + location.path() + " not ready after " +
                    options.readyTimeout().toMillis() + " ms (creator pid=" + pid + " still running)");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * @return where the file is.
     */
    public RegionLocation location()
    {
        return location;
    }

    /**
     * @return whether this process created the file (rather than opening an existing one).
     */
    public boolean wasCreated()
    {
        return created;
    }

    /**
     * @return the region length in bytes (read once, at open: safe to call on a region truncated under us).
     */
    public long length()
    {
        return regionLength;
    }

    /**
     * @return the current length of the file this region maps (one {@code fstat} of the mapped file, not of
     * whatever the path names now), or -1 when it cannot be known. Below {@link #length()}: the file was
     * truncated under the mapping, and accesses past its end fault.
     */
    public long mappedFileLength()
    {
        checkOpen();
        return mapping.fileSize();
    }

    /**
     * Checks that the mapped file still holds the whole region. Another process that truncates a mapped file
     * turns every access past the new end into SIGBUS, which the JVM raises as an {@code InternalError} at some
     * later access, possibly under a lock. Recovery paths call this before they walk the region, so that they
     * fail with a name instead. Cheap (one {@code fstat} of the mapped file, not of whatever the path names
     * now), but not a guarantee: a truncation between this check and an access still faults.
     *
     * @throws RegionFormatException naming the file and both lengths when the file is shorter than the region.
     */
    public void checkIntact()
    {
        checkOpen();
        final long size = mapping.fileSize();
        if (shorterThanRegion(size))
        {
            throw RegionValidator.truncated(location.path(), size, regionLength);
        }
    }

    /**
     * Whether this region is open and its file still holds all of it: the test every close path makes before
     * its last shared writes. Those paths run once, so the JVM runs them in its interpreter, and HotSpot turns a
     * fault on a truncated mapping into an {@code InternalError} for reads, writes and compiled atomics but not
     * for an interpreted compare-and-set, which takes the whole JVM down with SIGBUS. A process that has already
     * met the truncation (an {@code InternalError} on its way out) must therefore not write on its way out:
     * what it would have released is left to recovery, exactly as if it had been killed.
     *
     * @return {@code false} when closed, or when the mapped file is shorter than {@link #length()}.
     */
    public boolean isIntact()
    {
        return !closed && !shorterThanRegion(mapping.fileSize());
    }

    /**
     * @param fileSize the mapped file's size, -1 when unknown (the access itself will tell).
     * @return whether the file is known to be shorter than the region.
     */
    private boolean shorterThanRegion(final long fileSize)
    {
        return fileSize >= 0 && fileSize < regionLength;
    }

    /**
     * @return the layout version of the file.
     */
    public int layoutVersion()
    {
        return layoutVersion;
    }

    /**
     * @return pid of the process that created the file.
     */
    public long creatorPid()
    {
        return creatorPid;
    }

    /**
     * @return start time of the creating process, epoch ms.
     */
    public long creatorStartMillis()
    {
        return creatorStartMillis;
    }

    /**
     * @return creation time, epoch ms.
     */
    public long createdAtMillis()
    {
        return createdAtMillis;
    }

    /**
     * @return whether the file was created group-accessible.
     */
    public boolean isGroupAccessible()
    {
        return (flags & FLAG_GROUP_ACCESS) != 0;
    }

    /**
     * @return the directory, in order.
     */
    public List<StructureInfo> structures()
    {
        return directory;
    }

    /**
     * @param name structure name.
     * @return its directory entry.
     * @throws IllegalArgumentException when there is none, listing what the region holds.
     */
    public StructureInfo structure(final String name)
    {
        for (final StructureInfo info : directory)
        {
            if (info.name().equals(name))
            {
                return info;
            }
        }
        throw new IllegalArgumentException("no structure named '" + name + "' in region " + location.path() +
            "; it holds " + RegionValidator.describe(directory));
    }

    /**
     * @param name structure name.
     * @param kind the kind expected.
     * @return its directory entry.
     * @throws IllegalArgumentException when missing or of another kind, saying what is there.
     */
    public StructureInfo structure(final String name, final StructureKind kind)
    {
        final StructureInfo info = structure(name);
        if (info.kind() != kind)
        {
            throw new IllegalArgumentException("structure '" + name + "' in region " + location.path() + " is " +
                article(info.kind()) + ", not " + article(kind));
        }
        return info;
    }

    private static String article(final StructureKind kind)
    {
        return (kind.label().charAt(0) == 'a' ? "an " : "a ") + kind.label();
    }

    /**
     * @param name name of a long array.
     * @return a view of it.
     */
    public SharedLongArray longArray(final String name)
    {
        checkOpen();
        return new SharedLongArray(this, structure(name, StructureKind.LONG_ARRAY));
    }

    /**
     * A view over a {@link StructureKind#BYTES} structure, for layers above core (e.g. an Agrona ring buffer).
     *
     * @param name name of a bytes structure.
     * @return a buffer over exactly its bytes.
     */
    public AtomicBuffer bytes(final String name)
    {
        checkOpen();
        final StructureInfo info = structure(name, StructureKind.BYTES);
        if (info.param(0) != info.length() || info.length() < Long.BYTES || (info.length() & (Long.BYTES - 1)) != 0)
        {
            throw new RegionFormatException("directory[" + info.index() + "].length=" + info.length() +
                " params[0]=" + info.param(0) + ": bytes structure must be a positive multiple of 8 matching " +
                "params[0]");
        }
        return new UnsafeBuffer(buffer, (int)info.offset(), (int)info.length());
    }

    /**
     * @return the participant table.
     */
    public ParticipantTable participants()
    {
        checkOpen();
        return participants;
    }

    /**
     * Attaches this process (or thread) as a participant; detached by its own close or by the region's.
     *
     * @param role what it does.
     * @return the participant.
     */
    public synchronized Participant attach(final Role role)
    {
        checkOpen();
        attached.removeIf(Participant::isClosed);
        final Participant participant = participants.attach(role);
        attached.add(participant);
        return participant;
    }

    AtomicBuffer buffer()
    {
        return buffer;
    }

    /**
     * @throws IllegalStateException when the region is closed.
     */
    public void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("region closed: " + location.path());
        }
    }

    /**
     * @return whether {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Detaches the participants attached through this object and unmaps the file. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        for (final Participant participant : attached)
        {
            participant.close();
        }
        attached.clear();
        closed = true;
        mapping.unmap();
    }

    @Override
    public String toString()
    {
        return "Region{" + location.path() + ", structures=" + RegionValidator.describe(directory) + "}";
    }
}
