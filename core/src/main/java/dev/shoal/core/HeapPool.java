package dev.shoal.core;

import java.lang.invoke.VarHandle;

import org.agrona.concurrent.AtomicBuffer;

import static dev.shoal.core.ScheduleHeapDescriptor.*;

/**
 * The slot pool of a {@link ScheduleHeap} and the header words around it: accessors that name their memory
 * ordering and validate every number read from the region before it is used.
 *
 * <p>Ordering: a slot's state word is written with release stores and read with volatile loads, because it
 * is the truth a repair reads after a takeover and {@code stats} reads without the lock. Every other slot field,
 * the heap index and the free stack are plain: they are written and read under the heap's lock, whose
 * acquiring CAS and releasing store order them, and a state release store orders them for a repair.
 *
 * <p>The dirty word brackets every write under the lock: {@link #dirtyMark} (a store followed by a store-store
 * fence) before the first, {@link #dirtyClearRelease} (a release store) after the last. A holder that sees it
 * non-zero after acquiring the lock knows the index may disagree with the pool and rebuilds.
 */
final class HeapPool
{
    private final AtomicBuffer buffer;
    private final String name;
    private final int base;
    private final int capacity;
    private final int payloadBytes;
    private final int slotLength;
    private final int poolBase;
    private final int heapBase;
    private final int freeBase;

    HeapPool(final AtomicBuffer buffer, final StructureInfo info)
    {
        ScheduleHeapDescriptor.checkStructure(info);
        this.buffer = buffer;
        this.name = info.name();
        this.base = (int)info.offset();
        this.capacity = (int)info.param(PARAM_CAPACITY);
        this.payloadBytes = (int)info.param(PARAM_PAYLOAD_BYTES);
        this.slotLength = slotLength(payloadBytes);
        this.poolBase = base + poolOffset();
        this.heapBase = base + (int)heapIndexOffset(capacity, payloadBytes);
        this.freeBase = base + (int)freeStackOffset(capacity, payloadBytes);
        checkHeaderParam(CAPACITY_OFFSET, "capacity", capacity);
        checkHeaderParam(PAYLOAD_BYTES_OFFSET, "payloadBytes", payloadBytes);
        checkHeaderParam(SLOT_LENGTH_OFFSET, "slotLength", slotLength);
    }

    static void initialise(final AtomicBuffer buffer, final StructureInfo info)
    {
        final int base = (int)info.offset();
        final int capacity = (int)info.param(PARAM_CAPACITY);
        final int payloadBytes = (int)info.param(PARAM_PAYLOAD_BYTES);
        buffer.putLong(base + CAPACITY_OFFSET, capacity);
        buffer.putLong(base + PAYLOAD_BYTES_OFFSET, payloadBytes);
        buffer.putLong(base + SLOT_LENGTH_OFFSET, slotLength(payloadBytes));
        buffer.putLong(base + HEAD_KEY_OFFSET, Long.MAX_VALUE);
        buffer.putLong(base + NEXT_ID_OFFSET, 1);
        buffer.putLong(base + NEXT_SEQ_OFFSET, 1);
        buffer.putLong(base + FREE_COUNT_OFFSET, capacity);
        final int freeBase = base + (int)freeStackOffset(capacity, payloadBytes);
        for (int i = 0; i < capacity; i++)
        {
            buffer.putInt(freeBase + i * Integer.BYTES, capacity - 1 - i); // slot 0 on top
        }
    }

    private void checkHeaderParam(final int offset, final String field, final long expected)
    {
        final long value = buffer.getLong(base + offset);
        if (value != expected)
        {
            throw corrupt("header." + field + "=" + value + " but directory says " + expected);
        }
    }

    RegionFormatException corrupt(final String what)
    {
        return new RegionFormatException("heap '" + name + "' " + what);
    }

    String name()
    {
        return name;
    }

    AtomicBuffer buffer()
    {
        return buffer;
    }

    int capacity()
    {
        return capacity;
    }

    int payloadBytes()
    {
        return payloadBytes;
    }

    int headerOffset(final int field)
    {
        return base + field;
    }

    // ---- header words --------------------------------------------------------------------------------------

    long headerVolatile(final int field)
    {
        return buffer.getLongVolatile(base + field);
    }

    long headerPlain(final int field)
    {
        return buffer.getLong(base + field);
    }

    void headerRelease(final int field, final long value)
    {
        buffer.putLongRelease(base + field, value);
    }

    /** Under the lock: one writer at a time, so read-plain-then-release is an atomic increment to readers. */
    void incrementUnderLock(final int field, final long delta)
    {
        // Release: stats readers (no lock) see a whole value; the lock orders successive writers.
        buffer.putLongRelease(base + field, buffer.getLong(base + field) + delta);
    }

    long dirtyVolatile()
    {
        // Volatile: read after the acquiring CAS; must see a mark left by a holder that threw or died.
        return buffer.getLongVolatile(base + DIRTY_OFFSET);
    }

    void dirtyMark(final long token)
    {
        buffer.putLong(base + DIRTY_OFFSET, token);
        // Store-store fence: the mark becomes visible before any write of the operation that follows it, so a
        // holder that dies after any write leaves the mark behind it (a release store would order only the
        // writes before it, and a full fence would pay for a store-load order nobody needs).
        VarHandle.storeStoreFence();
    }

    void dirtyClearRelease()
    {
        // Release: every write of the operation is visible before the mark reads clean (and the lock's release
        // store, after this one, publishes both to the next holder).
        buffer.putLongRelease(base + DIRTY_OFFSET, 0);
    }

    int sizeChecked()
    {
        return (int)checkedCount(SIZE_OFFSET, "size");
    }

    int freeCountChecked()
    {
        return (int)checkedCount(FREE_COUNT_OFFSET, "freeCount");
    }

    /**
     * A count read without the lock (stats), with the range check the operations apply under it.
     */
    long countVolatileChecked(final int field, final String label)
    {
        return inRange(buffer.getLongVolatile(base + field), label);
    }

    private long checkedCount(final int field, final String label)
    {
        return inRange(buffer.getLong(base + field), label);
    }

    private long inRange(final long value, final String label)
    {
        if (value < 0 || value > capacity)
        {
            throw corrupt("header." + label + "=" + value + " out of range 0.." + capacity);
        }
        return value;
    }

    // ---- slots ---------------------------------------------------------------------------------------------

    private int slot(final int slot)
    {
        return poolBase + slot * slotLength;
    }

    long stateVolatile(final int slot)
    {
        // Volatile: pairs with the release store of each transition; the fields written before it are seen.
        final long state = buffer.getLongVolatile(slot(slot) + SLOT_STATE_OFFSET);
        if (!isValidState(state))
        {
            throw corrupt("slot[" + slot + "].state=" + state + " unknown (expected 0..3)");
        }
        return state;
    }

    void stateRelease(final int slot, final long state)
    {
        // Release: the slot's fields written before are visible to whoever sees the new state (a repair too).
        buffer.putLongRelease(slot(slot) + SLOT_STATE_OFFSET, state);
    }

    long holder(final int slot)
    {
        return buffer.getLong(slot(slot) + SLOT_HOLDER_OFFSET);
    }

    void holder(final int slot, final long token)
    {
        buffer.putLong(slot(slot) + SLOT_HOLDER_OFFSET, token);
    }

    long key(final int slot)
    {
        return buffer.getLong(slot(slot) + SLOT_KEY_OFFSET);
    }

    void key(final int slot, final long key)
    {
        buffer.putLong(slot(slot) + SLOT_KEY_OFFSET, key);
    }

    long id(final int slot)
    {
        return buffer.getLong(slot(slot) + SLOT_ID_OFFSET);
    }

    void id(final int slot, final long id)
    {
        buffer.putLong(slot(slot) + SLOT_ID_OFFSET, id);
    }

    long seq(final int slot)
    {
        return buffer.getLong(slot(slot) + SLOT_SEQ_OFFSET);
    }

    void seq(final int slot, final long seq)
    {
        buffer.putLong(slot(slot) + SLOT_SEQ_OFFSET, seq);
    }

    int heapPosChecked(final int slot, final int size)
    {
        final int pos = buffer.getInt(slot(slot) + SLOT_HEAP_POS_OFFSET);
        if (pos < 0 || pos >= size)
        {
            throw corrupt("slot[" + slot + "].heapPosition=" + pos + " out of range 0.." + (size - 1));
        }
        return pos;
    }

    void heapPos(final int slot, final int pos)
    {
        buffer.putInt(slot(slot) + SLOT_HEAP_POS_OFFSET, pos);
    }

    int payloadLengthChecked(final int slot)
    {
        final int length = buffer.getInt(slot(slot) + SLOT_PAYLOAD_LENGTH_OFFSET);
        if (length < 0 || length > payloadBytes)
        {
            throw corrupt("slot[" + slot + "].payloadLength=" + length + " beyond the slot's payloadBytes=" +
                payloadBytes);
        }
        return length;
    }

    void payloadLength(final int slot, final int length)
    {
        buffer.putInt(slot(slot) + SLOT_PAYLOAD_LENGTH_OFFSET, length);
    }

    int deliveries(final int slot)
    {
        return buffer.getInt(slot(slot) + SLOT_DELIVERIES_OFFSET);
    }

    void deliveries(final int slot, final int count)
    {
        buffer.putInt(slot(slot) + SLOT_DELIVERIES_OFFSET, count);
    }

    int payloadOffset(final int slot)
    {
        return slot(slot) + SLOT_PAYLOAD_OFFSET;
    }

    // ---- heap index and free stack (plain: under the lock; rebuilt after a takeover) -----------------------

    int heapAt(final int pos)
    {
        final int slot = buffer.getInt(heapBase + pos * Integer.BYTES);
        if (slot < 0 || slot >= capacity)
        {
            throw corrupt("heapIndex[" + pos + "]=" + slot + " out of range 0.." + (capacity - 1));
        }
        return slot;
    }

    void heapAt(final int pos, final int slot)
    {
        buffer.putInt(heapBase + pos * Integer.BYTES, slot);
        heapPos(slot, pos);
    }

    int freeAt(final int index)
    {
        final int slot = buffer.getInt(freeBase + index * Integer.BYTES);
        if (slot < 0 || slot >= capacity)
        {
            throw corrupt("freeStack[" + index + "]=" + slot + " out of range 0.." + (capacity - 1));
        }
        return slot;
    }

    void freeAt(final int index, final int slot)
    {
        buffer.putInt(freeBase + index * Integer.BYTES, slot);
    }
}
