package dev.shoal.bench.proc;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The control file of one benchmark case: a small mapped file through which the harness tells its child JVMs
 * which run to do and the children report what they measured. The harness is the only writer of {@code go};
 * child {@code i} is the only writer of slot {@code i}.
 * <pre>
 *   0                       128                     256
 *   +-----------------------+-----------------------+-----------------------+----
 *   | go (run index, or     | slot 0                | slot 1                | ...
 *   |  STOP)                | ready, done, startNs, |                       |
 *   |                       | endNs, ops, sum, p50, |                       |
 *   |                       | p99, p999, error      |                       |
 *   +-----------------------+-----------------------+-----------------------+----
 * </pre>
 * A child fills the fields of its slot, then writes {@code done} with release semantics; the harness reads
 * {@code done} with acquire semantics before it reads the fields.
 */
public final class Control implements AutoCloseable
{
    /** Most children one case may start. */
    public static final int MAX_SLOTS = 32;
    /** Value of {@code go} that tells every child to close and exit. */
    public static final long STOP = -2;
    /** Value of {@code go} before the first run. */
    public static final long IDLE = -1;

    static final int SLOT_BYTES = 128;
    static final int GO_OFFSET = 0;
    static final int READY = 0;
    static final int DONE = 8;
    static final int START_NS = 16;
    static final int END_NS = 24;
    static final int OPS = 32;
    static final int SUM = 40;
    static final int P50 = 48;
    static final int P99 = 56;
    static final int P999 = 64;
    static final int ERROR = 72;
    static final int LENGTH = SLOT_BYTES * (MAX_SLOTS + 1);

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;

    private Control(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
    }

    /**
     * @param file a new file to create (its parent directory must exist).
     * @return the control block, with {@code go} = {@link #IDLE} and every slot not done.
     */
    public static Control create(final Path file)
    {
        final Control control = new Control(IoUtil.mapNewFile(file.toFile(), LENGTH));
        for (int i = 0; i < MAX_SLOTS; i++)
        {
            control.buffer.putLong(slotOffset(i) + DONE, IDLE);
        }
        control.buffer.putLongRelease(GO_OFFSET, IDLE); // publishes the initialised slots
        return control;
    }

    /**
     * @param file an existing control file.
     * @return the control block.
     */
    public static Control open(final Path file)
    {
        final File f = file.toFile();
        return new Control(IoUtil.mapExistingFile(f, "control"));
    }

    private static int slotOffset(final int slot)
    {
        if (slot < 0 || slot >= MAX_SLOTS)
        {
            throw new IllegalArgumentException("slot=" + slot + " outside 0.." + (MAX_SLOTS - 1));
        }
        return SLOT_BYTES * (slot + 1);
    }

    /**
     * @return the run the children should do now, {@link #IDLE} or {@link #STOP}.
     */
    public long go()
    {
        return buffer.getLongAcquire(GO_OFFSET); // pairs with the harness's release in go(long)
    }

    /**
     * @param run run index to start, or {@link #STOP}.
     */
    public void go(final long run)
    {
        buffer.putLongRelease(GO_OFFSET, run); // children see everything written before
    }

    /**
     * @param slot child slot.
     * @return whether the child finished its set-up.
     */
    public boolean isReady(final int slot)
    {
        return buffer.getLongAcquire(slotOffset(slot) + READY) == 1;
    }

    /**
     * @param slot child slot.
     */
    public void markReady(final int slot)
    {
        buffer.putLongRelease(slotOffset(slot) + READY, 1);
    }

    /**
     * @param slot child slot.
     * @return the last run the child completed, or {@link #IDLE}.
     */
    public long done(final int slot)
    {
        return buffer.getLongAcquire(slotOffset(slot) + DONE); // pairs with publish()'s release
    }

    /**
     * @param slot child slot.
     * @return whether the child reported a failure.
     */
    public boolean hasFailed(final int slot)
    {
        return buffer.getLongVolatile(slotOffset(slot) + ERROR) != 0;
    }

    /**
     * @param slot child slot.
     */
    public void markFailed(final int slot)
    {
        buffer.putLongVolatile(slotOffset(slot) + ERROR, 1);
    }

    /**
     * Writes a run's record to a slot and marks the run done.
     *
     * @param slot   child slot.
     * @param run    run index.
     * @param record what the child measured.
     */
    public void publish(final int slot, final long run, final RunRecord record)
    {
        final int base = slotOffset(slot);
        buffer.putLong(base + START_NS, record.startNs);
        buffer.putLong(base + END_NS, record.endNs);
        buffer.putLong(base + OPS, record.ops);
        buffer.putLong(base + SUM, record.sum);
        buffer.putLong(base + P50, record.p50Ns);
        buffer.putLong(base + P99, record.p99Ns);
        buffer.putLong(base + P999, record.p999Ns);
        buffer.putLongRelease(base + DONE, run); // publishes the fields above
    }

    /**
     * @param slot child slot whose {@link #done(int)} covers the run wanted.
     * @return a copy of the slot's record.
     */
    public RunRecord read(final int slot)
    {
        final int base = slotOffset(slot);
        final RunRecord r = new RunRecord();
        r.startNs = buffer.getLong(base + START_NS);
        r.endNs = buffer.getLong(base + END_NS);
        r.ops = buffer.getLong(base + OPS);
        r.sum = buffer.getLong(base + SUM);
        r.p50Ns = buffer.getLong(base + P50);
        r.p99Ns = buffer.getLong(base + P99);
        r.p999Ns = buffer.getLong(base + P999);
        return r;
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
