package dev.shoal.chunks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.shoal.pool.Codec;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Jobs used by the tests; public with no-arg constructors so that worker processes can create them by name.
 */
public final class TestJobs
{
    private TestJobs()
    {
    }

    /**
     * Ordered output: each line upper-cased, with its '\n' (one added after a last line without one).
     */
    public static final class UpperCaseLines implements ChunkJob<ExpandableArrayBuffer>
    {
        /**
         * By name.
         */
        public UpperCaseLines()
        {
        }

        @Override
        public ExpandableArrayBuffer newAccumulator()
        {
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
            buffer.putInt(0, Integer.BYTES); // first int: bytes used, itself included
            return buffer;
        }

        @Override
        public void accept(final ExpandableArrayBuffer acc, final DirectBuffer buffer, final int offset,
            final int length)
        {
            int at = acc.getInt(0);
            for (int i = 0; i < length; i++)
            {
                final byte b = buffer.getByte(offset + i);
                acc.putByte(at++, b >= 'a' && b <= 'z' ? (byte)(b - 32) : b);
            }
            acc.putByte(at++, (byte)'\n');
            acc.putInt(0, at);
        }

        @Override
        public ExpandableArrayBuffer merge(final ExpandableArrayBuffer earlier, final ExpandableArrayBuffer later)
        {
            final int used = earlier.getInt(0);
            final int adding = later.getInt(0) - Integer.BYTES;
            earlier.putBytes(used, later, Integer.BYTES, adding);
            earlier.putInt(0, used + adding);
            return earlier;
        }

        @Override
        public Codec<ExpandableArrayBuffer> codec()
        {
            return new Codec<>()
            {
                @Override
                public int encode(final ExpandableArrayBuffer value, final MutableDirectBuffer buffer,
                    final int offset)
                {
                    final int length = value.getInt(0) - Integer.BYTES;
                    buffer.putBytes(offset, value, Integer.BYTES, length);
                    return length;
                }

                @Override
                public ExpandableArrayBuffer decode(final DirectBuffer buffer, final int offset, final int length)
                {
                    final ExpandableArrayBuffer value = new ExpandableArrayBuffer(length + Integer.BYTES);
                    value.putInt(0, length + Integer.BYTES);
                    value.putBytes(Integer.BYTES, buffer, offset, length);
                    return value;
                }
            };
        }

        @Override
        public int resultBytesHint()
        {
            return 16; // small on purpose: most results spill to files
        }
    }

    /**
     * Fails on a line that reads "boom"; ends its process with System.exit(7) at a line that reads "exit".
     */
    public static class FailingJob implements ChunkJob<LineChecksum>
    {
        /**
         * By name.
         */
        public FailingJob()
        {
        }

        @Override
        public LineChecksum newAccumulator()
        {
            return new LineChecksum();
        }

        @Override
        public void accept(final LineChecksum acc, final DirectBuffer buffer, final int offset, final int length)
        {
            if (length == 4 && buffer.getStringWithoutLengthAscii(offset, length).equals("boom"))
            {
                throw new IllegalStateException("boom at offset " + offset);
            }
            if (length == 4 && buffer.getStringWithoutLengthAscii(offset, length).equals("exit"))
            {
                System.exit(7); // ends its worker without a failure written (worker processes only)
            }
            if (length == 5 && buffer.getStringWithoutLengthAscii(offset, length).equals("error"))
            {
                // An Error, with a non-daemon thread left behind that would keep its JVM up (worker processes only)
                final Thread stay = new Thread(() -> LockSupport.park(), "stays");
                stay.start();
                throw new AssertionError("invariant broken at offset " + offset);
            }
            acc.add(buffer, offset, length);
        }

        @Override
        public LineChecksum merge(final LineChecksum earlier, final LineChecksum later)
        {
            return earlier.add(later);
        }

        @Override
        public Codec<LineChecksum> codec()
        {
            return LineChecksum.CODEC;
        }
    }

    /**
     * The line checksum of {@link LineChecksumJob} (final), for test jobs to extend with what they add.
     */
    public abstract static class ChecksumJob implements ChunkJob<LineChecksum>
    {
        private final LineChecksumJob checksum = new LineChecksumJob();

        @Override
        public LineChecksum newAccumulator()
        {
            return checksum.newAccumulator();
        }

        @Override
        public void accept(final LineChecksum acc, final DirectBuffer buffer, final int offset, final int length)
        {
            checksum.accept(acc, buffer, offset, length);
        }

        @Override
        public LineChecksum merge(final LineChecksum earlier, final LineChecksum later)
        {
            return checksum.merge(earlier, later);
        }

        @Override
        public Codec<LineChecksum> codec()
        {
            return checksum.codec();
        }
    }

    /**
     * A line checksum that throws on every line while its JVM runs with {@code -Dshoal.test.flaky=true}: a cause
     * that goes away (a database down), so that the next run of the same job and file resumes.
     */
    public static final class FlakyJob extends ChecksumJob
    {
        /**
         * By name.
         */
        public FlakyJob()
        {
        }

        @Override
        public void accept(final LineChecksum acc, final DirectBuffer buffer, final int offset, final int length)
        {
            if (Boolean.getBoolean("shoal.test.flaky"))
            {
                throw new IllegalStateException("flaky: the database is down");
            }
            super.accept(acc, buffer, offset, length);
        }
    }

    /**
     * A line checksum whose every range, in a worker process, prints what looks like a session worker's answer and
     * reads its standard input: a session worker must keep both away from its commands and answers, and a one-shot
     * worker's input must end at once (not wait on the coordinator's pipe).
     */
    public static final class NoisyJob extends ChecksumJob
    {
        /**
         * By name.
         */
        public NoisyJob()
        {
        }

        @Override
        public LineChecksum newAccumulator()
        {
            if (System.getProperty("sun.java.command", "").startsWith(ChunkWorker.class.getName()))
            {
                noise(); // not in the coordinator: a test JVM, whose input is the test runner's
            }
            return super.newAccumulator();
        }

        private static void noise()
        {
            System.out.println(ChunkWorker.DONE_REPLY + "\t1");
            System.out.flush();
            try
            {
                if (System.in.read() >= 0)
                {
                    throw new IllegalStateException("a job read a byte of the session's commands");
                }
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }
    }

    /**
     * A line checksum whose first line of all (in this JVM) waits until the test lets it go: the run holding that
     * range stays in progress for as long as the test needs. Reset with {@link #reset()} before use.
     */
    public static final class HoldingJob extends ChecksumJob
    {
        /** Counted down once the first line is held. */
        public static volatile CountDownLatch holding = new CountDownLatch(1);
        /** Count down to let the held line go. */
        public static volatile CountDownLatch release = new CountDownLatch(1);
        private static final AtomicBoolean HELD = new AtomicBoolean();

        /**
         * By name.
         */
        public HoldingJob()
        {
        }

        /**
         * Holds the next first line again.
         */
        public static void reset()
        {
            holding = new CountDownLatch(1);
            release = new CountDownLatch(1);
            HELD.set(false);
        }

        @Override
        public void accept(final LineChecksum acc, final DirectBuffer buffer, final int offset, final int length)
        {
            if (HELD.compareAndSet(false, true))
            {
                holding.countDown();
                try
                {
                    if (!release.await(60, TimeUnit.SECONDS))
                    {
                        throw new IllegalStateException("not released within 60 s");
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while held", ex);
                }
            }
            super.accept(acc, buffer, offset, length);
        }
    }

    /**
     * A job whose constructor fails, as one missing its configuration would.
     */
    public static final class ConstructorThrows extends FailingJob
    {
        /**
         * By name: throws.
         */
        public ConstructorThrows()
        {
            throw new IllegalStateException("config missing: set FOO");
        }
    }

    /**
     * A line checksum whose merge fails.
     */
    public static final class FailingMergeJob extends ChecksumJob
    {
        /**
         * By name.
         */
        public FailingMergeJob()
        {
        }

        @Override
        public LineChecksum merge(final LineChecksum earlier, final LineChecksum later)
        {
            throw new IllegalStateException("merge failed on purpose");
        }
    }

    /**
     * Counts lines as {@link LineChecksumJob}; the first line it sees overwrites bytes of {@link #target} in place
     * (its length unchanged), as another program writing the file during a run. Threads only (a static target).
     */
    public static final class RewritingJob extends ChecksumJob
    {
        /** The file to overwrite, set by the test. */
        public static volatile java.nio.file.Path target;
        private static final java.util.concurrent.atomic.AtomicBoolean DONE =
            new java.util.concurrent.atomic.AtomicBoolean();

        /**
         * By name.
         */
        public RewritingJob()
        {
        }

        @Override
        public void accept(final LineChecksum acc, final DirectBuffer buffer, final int offset, final int length)
        {
            if (DONE.compareAndSet(false, true))
            {
                try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(target,
                    java.nio.file.StandardOpenOption.WRITE))
                {
                    file.write(java.nio.ByteBuffer.wrap(new byte[]{ 'x', '\n', 'y', '\n' }), 10);
                    // A later modification time than the run saw, whatever the clock's granularity.
                    java.nio.file.Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.fromMillis(
                        java.nio.file.Files.getLastModifiedTime(target).toMillis() + 2000));
                }
                catch (final java.io.IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
            super.accept(acc, buffer, offset, length);
        }
    }
}
