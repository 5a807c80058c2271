package dev.shoal.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * File-level work: race-free creation and mapping.
 *
 * <h2>Creation</h2>
 * A creator never writes the region at its final path. It creates a private file
 * {@code .NAME.creating.PID.NANOS} next to it (create-new, mode 0600 or 0660), sizes and maps it, writes the
 * header, directory and each structure's initial state, writes the ready word last (release), then
 * hard-links the private file to the final path. The link is create-new too: when two processes race, exactly
 * one link succeeds; the loser deletes its private file and opens the winner's. So a file at the final path
 * is always complete, and a creator that dies at any point leaves only its private file
 * ({@code .NAME.creating.PID-TICKS.NANOS}), which the next process that opens or creates the region removes
 * once its creator is proven dead (pid and start ticks, see {@link ProcessLiveness}).
 */
final class RegionFiles
{
    private static final String CREATING = ".creating.";

    private RegionFiles()
    {
    }

    /**
     * A file mapped whole, with a channel to the mapped file kept open so that its size can be re-checked (the
     * channel names the mapped inode, not whatever file the path names now).
     */
    record Mapping(MappedByteBuffer mapped, AtomicBuffer buffer, long length, FileChannel channel)
    {
        /**
         * @return the current size of the mapped file, or -1 when it cannot be read.
         */
        long fileSize()
        {
            try
            {
                return channel.size();
            }
            catch (final IOException ex)
            {
                return -1;
            }
        }

        void unmap()
        {
            if (mapped != null)
            {
                IoUtil.unmap(mapped);
            }
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                // nothing to undo: the mapping is gone already
            }
        }
    }

    /**
     * Creates a complete region at a private path and links it to the final path.
     *
     * @return the mapping, or {@code null} when another process linked its region first.
     */
    static Mapping createAndLink(final RegionLocation location, final RegionSpec spec, final RegionOptions options)
    {
        location.checkCreatable(); // before any file: the creating file's longer name would fail, naming itself
        final Path path = location.path();
        if (Files.isDirectory(path))
        {
            throw new IllegalArgumentException(path + " is a directory, not a region file");
        }
        final Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir))
        {
            // Only the folder of bare names is made here: a mistyped path must fail, not leave folders behind.
            if (!dir.equals(RegionLocation.defaultDirectory().toAbsolutePath().normalize()))
            {
                throw new IllegalArgumentException((Files.exists(dir) ? dir + " is not a folder" : "folder " + dir +
                    " does not exist") + ": a region is made in an existing folder (bare names in " +
                    RegionLocation.defaultDirectory() + ")");
            }
            try
            {
                Files.createDirectories(dir);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot create folder " + dir + ": " + ex, ex);
            }
        }
        if (!Files.isWritable(dir))
        {
            // Else the failure names the private file the region is first written to, not the folder.
            throw new IllegalStateException("cannot create region " + path + ": no permission to write folder " + dir +
                (dir.equals(RegionLocation.defaultDirectory().toAbsolutePath().normalize()) ? " (the folder of " +
                "bare names, made by the first user who made a region: its owner can open it to others with chmod " +
                "1777, as /tmp is; or give a file path, or move bare names to a folder of your own with -D" +
                RegionLocation.DIRECTORY_PROPERTY + "=FOLDER, which also serves names a command derives itself)" :
                ""));
        }
        removeStaleCreations(path);
        // The name carries the creator's identity (pid and start ticks), so a sweep can tell a dead creator's
        // file from a live one's exactly, even when the pid was reused.
        final Path temp = dir.resolve("." + path.getFileName() + CREATING + ProcessLiveness.currentPid() + "-" +
            ProcessLiveness.currentStartTicks() + "." + System.nanoTime());
        final RegionLayout layout = RegionLayout.of(spec);
        checkSpace(path, dir, layout.regionLength());
        Mapping mapping = null;
        try
        {
            mapping = map(temp, layout.regionLength(), true, options.groupAccess());
            CrashPoints.at(RegionCrashPoint.CREATE_FILL);
            RegionWriter.write(mapping.buffer(), spec, layout, options);
            if (!isShm(path))
            {
                mapping.mapped().force(); // on disk: the region must survive a crash of the machine too
            }
            try
            {
                CrashPoints.at(RegionCrashPoint.CREATE_LINK);
                Files.createLink(path, temp);
            }
            catch (final FileAlreadyExistsException ex)
            {
                mapping.unmap();
                return null; // lost the race: open the winner's file
            }
            return mapping;
        }
        catch (final IOException ex)
        {
            if (mapping != null)
            {
                mapping.unmap();
            }
            throw new UncheckedIOException("cannot create region " + path + ": " + ex, ex);
        }
        catch (final InternalError ex)
        {
            // A write into a page the file system could not give (it filled up since the check): SIGBUS.
            if (mapping != null)
            {
                mapping.unmap();
            }
            throw new IllegalStateException("cannot create region " + path + ": writing it faulted (" +
                ex.getMessage() + "); its file system has " + usableSpace(dir) + " bytes usable for a region of " +
                layout.regionLength(), ex);
        }
        finally
        {
            CrashPoints.at(RegionCrashPoint.CREATE_UNLINK_TEMP);
            deleteQuietly(temp);
        }
    }

    /**
     * A region's file is sparse: the file system gives each page when it is first touched, and a page it cannot give
     * (tmpfs or a disk full) faults in whichever process touches it, at any time in the region's life, with no word
     * naming the cause. So a region is made only where the whole of it fits now. Racy against other users of the
     * file system, and the best a sparse file allows; what fills it later is named by the commands that fault.
     */
    private static void checkSpace(final Path path, final Path dir, final long length)
    {
        final long usable = usableSpace(dir);
        if (usable >= 0 && usable < length)
        {
            throw new IllegalStateException("not enough space for region " + path + ": it takes " + length +
                " bytes and the file system of " + dir + " has " + usable + " usable (a page it cannot give " +
                "when the region first touches it would fault in that process)");
        }
    }

    /**
     * @return the bytes usable by this process on the file system of a folder, or -1 when it cannot be read.
     */
    static long usableSpace(final Path dir)
    {
        try
        {
            return Files.getFileStore(dir).getUsableSpace();
        }
        catch (final IOException | SecurityException ex)
        {
            return -1;
        }
    }

    /**
     * Maps an existing file whole, read-write.
     */
    static Mapping mapExisting(final RegionLocation location)
    {
        removeStaleCreations(location.path()); // a dead creator's file would otherwise stay in tmpfs for good
        try
        {
            if (Files.exists(location.path()) && !Files.isRegularFile(location.path()))
            {
                // /dev/zero and a FIFO were reported as "file length=0 ... (empty file)", a folder by its open's error.
                throw new RegionFormatException(location.path() + " is not a regular file (a folder, device, FIFO or " +
                    "socket): not a region");
            }
            final long size = Files.size(location.path());
            if (size > RegionSpec.MAX_REGION_LENGTH)
            {
                throw new RegionFormatException("file length=" + size + " beyond the largest region=" +
                    RegionSpec.MAX_REGION_LENGTH);
            }
            return map(location.path(), size, false, false);
        }
        catch (final NoSuchFileException ex)
        {
            throw new RegionNotFoundException(location);
        }
        catch (final IOException ex)
        {
            if (ex instanceof java.nio.file.FileSystemException && !Files.isWritable(location.path()))
            {
                // Denied (EACCES), or immutable or on a read-only mount (EPERM, EROFS). Read permission alone is not
                // enough, for a reader like inspect either: a region is read with the same atomic instructions its
                // writers use, through a read-write mapping.
                throw new UncheckedIOException("cannot open region " + location.path() + " (a region is mapped " +
                    "read-write by every process that opens it, inspect included, so it needs read and write " +
                    "permission; --group gives them to the file's group): " + ex, ex);
            }
            throw new UncheckedIOException("cannot open region " + location.path() + ": " + ex, ex);
        }
    }

    private static Mapping map(final Path path, final long length, final boolean createNew, final boolean group)
        throws IOException
    {
        final Set<OpenOption> openOptions = createNew ?
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE) :
            Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
        final FileAttribute<?>[] attributes = createNew && supportsPosix(path) ?
            new FileAttribute<?>[]{ PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(group ? "rw-rw----" : "rw-------")) } :
            new FileAttribute<?>[0];
        final FileChannel channel = FileChannel.open(path, openOptions, attributes);
        try
        {
            if (createNew && supportsPosix(path))
            {
                // Explicitly, because the umask may have narrowed the mode given at creation.
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(group ? "rw-rw----" : "rw-------"));
            }
            if (createNew)
            {
                // One byte at the end sizes the file; tmpfs and most file systems keep the rest sparse (zeros).
                channel.write(ByteBuffer.wrap(new byte[1]), length - 1);
            }
            if (length == 0)
            {
                return new Mapping(null, new UnsafeBuffer(new byte[0]), 0, channel);
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            return new Mapping(mapped, new UnsafeBuffer(mapped), length, channel);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    private static boolean supportsPosix(final Path path)
    {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static boolean isShm(final Path path)
    {
        return path.toAbsolutePath().startsWith("/dev/shm");
    }

    /**
     * Deletes private creation files of this region left by creators that died.
     */
    static void removeStaleCreations(final Path path)
    {
        final Path dir = path.toAbsolutePath().getParent();
        final String prefix = "." + path.getFileName() + CREATING;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, p -> p.getFileName().toString()
            .startsWith(prefix)))
        {
            for (final Path stale : stream)
            {
                final String rest = stale.getFileName().toString().substring(prefix.length());
                final int dot = rest.indexOf('.');
                final String creator = dot > 0 ? rest.substring(0, dot) : rest;
                final int dash = creator.indexOf('-');
                final long pid = parsePid(dash > 0 ? creator.substring(0, dash) : creator);
                final long ticks = dash > 0 ? parsePid(creator.substring(dash + 1)) : 0;
                final boolean dead = pid > ProcessLiveness.MAX_PID || pid > 0 && ticks >= 0 &&
                    !ProcessLiveness.isAlive(ProcessLiveness.identity(pid, Math.min(ticks, ProcessLiveness.MAX_TICKS)));
                if (dead)
                {
                    CrashPoints.at(RegionCrashPoint.SWEEP_DELETE);
                    deleteQuietly(stale);
                }
            }
        }
        catch (final IOException ex)
        {
            // listing failed: stale files stay, nothing depends on them
        }
    }

    private static long parsePid(final String s)
    {
        try
        {
            return Long.parseLong(s);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            // best effort
        }
    }

    static boolean delete(final RegionLocation location)
    {
        try
        {
            return Files.deleteIfExists(location.path());
        }
        catch (final FileSystemException ex)
        {
            throw new UncheckedIOException("cannot delete region " + location.path() + ": " + ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete region " + location.path() + ": " + ex, ex);
        }
    }

}
