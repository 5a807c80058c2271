package dev.shoal.chunks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.shoal.core.ProcessLiveness;

/**
 * A {@link ChunkSession} whose JVM was killed (SIGKILL runs no close) leaves its log folder
 * ({@code session-PID-TICKS-N} under the region directory) behind; its workers halt by themselves. The next
 * session to start removes the folders of sessions whose process is proven dead: the name carries the owner's pid
 * and start ticks, so a live session's folder stays, and so does one whose pid now names another process started
 * since (judged by pid and start ticks, see {@link ProcessLiveness}); a name without ticks (an older Shoal's,
 * {@code session-PID-N}) is judged by its pid alone, so a reused pid keeps it. Only the worker logs a session writes
 * there are removed, then the folder if that empties it: anything else put there stays, and so does the folder.
 */
final class StaleSessionFolders
{
    static final String PREFIX = "session-";
    /** session-PID-TICKS-N (this Shoal) or session-PID-N (before the ticks were added). */
    private static final Pattern NAME = Pattern.compile(PREFIX + "(\\d{1,18})(?:-(\\d{1,18}))?-\\d{1,9}");
    private static final Pattern SESSION_FILE = Pattern.compile("worker-\\d+\\.log");

    private StaleSessionFolders()
    {
    }

    /**
     * @param ticks start ticks of this process ({@link ProcessLiveness#currentStartTicks()}).
     * @param n     this JVM's session number.
     * @return the folder name of this JVM's session number {@code n}.
     */
    static String name(final long ticks, final int n)
    {
        return PREFIX + ProcessLiveness.currentPid() + "-" + ticks + "-" + n;
    }

    /**
     * Removes what sessions of dead processes left in {@code dir}. Best effort: a folder left costs space only.
     *
     * @param dir the region directory.
     * @return how many folders were removed.
     */
    static int sweep(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> entries = Files.list(dir))
        {
            for (final Path folder : entries.toList())
            {
                final Matcher m = NAME.matcher(folder.getFileName().toString());
                if (m.matches() && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) && ownerDead(m) &&
                    removeSessionFiles(folder))
                {
                    removed++;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // best effort: a stale folder costs space, never correctness
        }
        return removed;
    }

    private static boolean ownerDead(final Matcher m)
    {
        final long pid = Long.parseLong(m.group(1));
        final long ticks = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        if (pid <= 0 || pid > ProcessLiveness.MAX_PID || ticks > ProcessLiveness.MAX_TICKS)
        {
            return false; // not a name this code writes: leave it
        }
        return !ProcessLiveness.isAlive(ProcessLiveness.identity(pid, ticks));
    }

    private static boolean removeSessionFiles(final Path folder)
    {
        try
        {
            return OwnFiles.removeThenFolder(folder, SESSION_FILE); // false: files a session did not write
        }
        catch (final IOException ex)
        {
            return false; // removed meanwhile by another sweep, or not ours to remove
        }
    }
}
