package dev.shoal.journal;

import java.io.File;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The few libc calls the journal makes on its file (advice and reservation), bound once through JNA (Chronicle's
 * own dependency). Linux only; elsewhere, or when the library cannot load, there are none and the callers do
 * nothing.
 */
final class Libc
{
    /** The calls, as libc declares them (off_t is 64 bits on the 64-bit Linux this targets). */
    interface Calls extends Library
    {
        int open(String path, int flags);

        int close(int fd);

        int posix_fadvise(int fd, long offset, long length, int advice);

        int fallocate(int fd, int mode, long offset, long length);
    }

    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;

    private static final Calls CALLS = load();

    private Libc()
    {
    }

    private static Calls load()
    {
        try
        {
            return Platform.isLinux() ? Native.load("c", Calls.class) : null;
        }
        catch (final LinkageError | RuntimeException ex)
        {
            return null; // no JNA, or no native access
        }
    }

    /**
     * @param switchProperty a system property that turns the caller's use off when "false".
     * @return the calls, or {@code null} when there are none here or the caller is turned off.
     */
    static Calls calls(final String switchProperty)
    {
        return Boolean.parseBoolean(System.getProperty(switchProperty, "true")) ? CALLS : null;
    }

    /**
     * A descriptor kept open on the journal file being appended to, opened again when appends move to another
     * file (a cycle roll). One thread at a time.
     */
    static final class OpenFile implements AutoCloseable
    {
        private final Calls calls;
        private final int flags;
        private File current;
        private int fd = -1;

        /**
         * @param calls the bound calls (not null).
         * @param flags how to open ({@link #O_RDONLY}, {@link #O_RDWR}).
         */
        OpenFile(final Calls calls, final int flags)
        {
            this.calls = calls;
            this.flags = flags;
        }

        /**
         * @param file the file wanted.
         * @return whether the descriptor is open on it already.
         */
        boolean isOn(final File file)
        {
            return file.equals(current);
        }

        /**
         * Closes the descriptor it had and opens {@code file}.
         *
         * @param file the file wanted.
         * @return false when it cannot be opened (rolled away, removed, not permitted): try again later.
         */
        boolean open(final File file)
        {
            close();
            fd = calls.open(file.getPath(), flags);
            if (fd < 0)
            {
                return false;
            }
            current = file;
            return true;
        }

        /**
         * @return the descriptor, valid after a successful {@link #open}.
         */
        int fd()
        {
            return fd;
        }

        @Override
        public void close()
        {
            if (fd >= 0)
            {
                calls.close(fd);
            }
            fd = -1;
            current = null;
        }
    }

    /**
     * @return the errno of this thread's last call (JNA keeps it).
     */
    static int lastError()
    {
        return Native.getLastError();
    }
}
