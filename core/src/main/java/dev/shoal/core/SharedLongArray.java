package dev.shoal.core;

import org.agrona.concurrent.AtomicBuffer;

/**
 * A fixed-length array of longs in a region, shared by every process that maps it: Python's
 * {@code multiprocessing.Array('l', n)} without the lock. Every operation is a single atomic instruction or a
 * CAS loop on one element; a one-element array serves as a shared {@code Value}.
 *
 * <p>Memory ordering, by method name: {@link #get} is a volatile (acquire) load and pairs with
 * {@link #set} (release store) and with every read-modify-write, which are full fences. {@link #getPlain}
 * and {@link #setPlain} are for a single writer that publishes through another word.
 *
 * <p>Thread-safe. Index errors throw {@link IndexOutOfBoundsException} with the index and the length.
 */
public final class SharedLongArray
{
    private final Region region;
    private final AtomicBuffer buffer;
    private final int base;
    private final int length;
    private final int stride;
    private final String name;

    SharedLongArray(final Region region, final StructureInfo info)
    {
        final long count = info.param(LongArrayDescriptor.PARAM_LENGTH);
        final long stride = info.param(LongArrayDescriptor.PARAM_STRIDE);
        if (count < 1 || count > LongArrayDescriptor.MAX_LENGTH)
        {
            throw new RegionFormatException("directory[" + info.index() + "].params[0] (array length)=" + count +
                " out of range 1.." + LongArrayDescriptor.MAX_LENGTH);
        }
        if (stride != LongArrayDescriptor.PLAIN_STRIDE && stride != LongArrayDescriptor.PADDED_STRIDE)
        {
            throw new RegionFormatException("directory[" + info.index() + "].params[1] (array stride)=" + stride +
                " expected " + LongArrayDescriptor.PLAIN_STRIDE + " or " + LongArrayDescriptor.PADDED_STRIDE);
        }
        if (count * stride > info.length())
        {
            throw new RegionFormatException("directory[" + info.index() + "].length=" + info.length() +
                " too small for array length=" + count + " stride=" + stride);
        }
        this.region = region;
        this.buffer = region.buffer();
        this.base = (int)info.offset();
        this.length = (int)count;
        this.stride = (int)stride;
        this.name = info.name();
    }

    /**
     * @param name   structure name.
     * @param length element count.
     * @param padded one element per 128-byte line.
     * @return the spec to add to a {@link RegionSpec}.
     */
    public static StructureSpec spec(final String name, final int length, final boolean padded)
    {
        LongArrayDescriptor.checkLength(length);
        final int stride = padded ? LongArrayDescriptor.PADDED_STRIDE : LongArrayDescriptor.PLAIN_STRIDE;
        final long bytes = LongArrayDescriptor.byteLength(length, padded);
        return new StructureSpec(name, StructureKind.LONG_ARRAY, new long[]{ length, stride }, p -> bytes);
    }

    /**
     * @return the structure name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return element count.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return whether each element sits on its own 128-byte line.
     */
    public boolean isPadded()
    {
        return stride == LongArrayDescriptor.PADDED_STRIDE;
    }

    /**
     * @param index element index.
     * @return the value, volatile load: sees every release store and atomic update before it.
     */
    public long get(final int index)
    {
        return buffer.getLongVolatile(offset(index));
    }

    /**
     * @param index element index.
     * @return the value, plain load: no ordering, for a value published through another word.
     */
    public long getPlain(final int index)
    {
        return buffer.getLong(offset(index));
    }

    /**
     * @param index element index.
     * @param value the new value, release store: writes before it are visible to a reader that sees it.
     */
    public void set(final int index, final long value)
    {
        buffer.putLongRelease(offset(index), value);
    }

    /**
     * @param index element index.
     * @param value the new value, volatile store (full fence after).
     */
    public void setVolatile(final int index, final long value)
    {
        buffer.putLongVolatile(offset(index), value);
    }

    /**
     * @param index element index.
     * @param value the new value, plain store: no ordering.
     */
    public void setPlain(final int index, final long value)
    {
        buffer.putLong(offset(index), value);
    }

    /**
     * @param index element index.
     * @param delta amount to add.
     * @return the value before the add (atomic, full fence).
     */
    public long getAndAdd(final int index, final long delta)
    {
        return buffer.getAndAddLong(offset(index), delta);
    }

    /**
     * @param index element index.
     * @param delta amount to add.
     * @return the value after the add (atomic, full fence).
     */
    public long addAndGet(final int index, final long delta)
    {
        return buffer.getAndAddLong(offset(index), delta) + delta;
    }

    /**
     * @param index    element index.
     * @param expected the value the element must hold.
     * @param update   the value to store.
     * @return true when the element held {@code expected} and now holds {@code update} (full fence).
     */
    public boolean compareAndSet(final int index, final long expected, final long update)
    {
        return buffer.compareAndSetLong(offset(index), expected, update);
    }

    /**
     * @param index element index.
     * @param value the new value.
     * @return the value before (atomic swap, full fence).
     */
    public long getAndSet(final int index, final long value)
    {
        return buffer.getAndSetLong(offset(index), value);
    }

    /**
     * Raises the element to {@code value} if it is lower (CAS loop).
     *
     * @param index element index.
     * @param value candidate maximum.
     * @return the element's value after the call: the maximum of the old value and {@code value}.
     */
    public long accumulateMax(final int index, final long value)
    {
        final int offset = offset(index);
        while (true)
        {
            final long current = buffer.getLongVolatile(offset);
            if (current >= value)
            {
                return current;
            }
            // CAS: fails and retries when another process moved the element since our volatile read.
            if (buffer.compareAndSetLong(offset, current, value))
            {
                return value;
            }
        }
    }

    /**
     * Lowers the element to {@code value} if it is higher (CAS loop).
     *
     * @param index element index.
     * @param value candidate minimum.
     * @return the element's value after the call: the minimum of the old value and {@code value}.
     */
    public long accumulateMin(final int index, final long value)
    {
        final int offset = offset(index);
        while (true)
        {
            final long current = buffer.getLongVolatile(offset);
            if (current <= value)
            {
                return current;
            }
            // CAS: fails and retries when another process moved the element since our volatile read.
            if (buffer.compareAndSetLong(offset, current, value))
            {
                return value;
            }
        }
    }

    /**
     * @return every element, each read with a volatile load (not an atomic snapshot of the whole array).
     */
    public long[] snapshot()
    {
        final long[] values = new long[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = get(i);
        }
        return values;
    }

    private int offset(final int index)
    {
        if (index < 0 || index >= length)
        {
            throw new IndexOutOfBoundsException("index=" + index + " length=" + length + " array=" + name);
        }
        region.checkOpen();
        return base + index * stride;
    }

    @Override
    public String toString()
    {
        return "SharedLongArray{name=" + name + ", length=" + length + ", padded=" + isPadded() + "}";
    }
}
