package dev.shoal.pool;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;

import static org.agrona.BitUtil.align;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.ALIGNMENT;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.HEADER_LENGTH;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.lengthOffset;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.typeOffset;
import static org.agrona.concurrent.ringbuffer.RingBuffer.PADDING_MSG_TYPE_ID;
import static org.agrona.concurrent.ringbuffer.RingBufferDescriptor.HEAD_CACHE_POSITION_OFFSET;
import static org.agrona.concurrent.ringbuffer.RingBufferDescriptor.HEAD_POSITION_OFFSET;
import static org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TAIL_POSITION_OFFSET;
import static org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH;

/**
 * Reads what a dead worker left in its result buffer (an Agrona {@code ManyToOneRingBuffer} that only that worker's
 * threads wrote) and leaves the buffer empty for the worker started in its place.
 *
 * <p>A writer's steps, in Agrona's {@code write}: move the tail by CAS (the claim); when the claim wraps, a padding
 * record to the buffer's end (its length negated, its type, its length); then the record's length negated (release),
 * the message, its type, and its length (release: the commit). A process killed between any two steps leaves, at
 * the claim, either nothing (the reader's zeroing left every byte of it 0) or a header whose length is negative
 * (started, not committed) or positive (committed). The reader stops at the first record not committed, so records
 * other threads of the same worker committed after it would be stranded with their jobs already acknowledged.
 *
 * <p>Only once the process has exited, so that nothing writes here any more, this walks from the head to the tail:
 * a committed record is delivered, one started and not committed is skipped by its length, and an unwritten claim
 * is skipped 8 bytes at a time (records start 8-aligned and a claim's bytes are all 0 until its header is written,
 * so the next non-zero int is the next record's header). Then the walked bytes are zeroed and the head set to the
 * tail: the next writer finds an empty buffer. A job whose result was dropped this way was not acknowledged (the
 * worker acknowledges after its result is committed), so the ring delivers it again.
 */
final class ResultBufferSalvage
{
    /** Records delivered and records (or claims) dropped by one salvage. */
    record Outcome(int delivered, int dropped, boolean corrupt)
    {
    }

    private ResultBufferSalvage()
    {
    }

    /**
     * @param buffer  the dead writer's buffer, data and trailer (no process may write to it while this runs).
     * @param handler receives each committed message, as the ring buffer's own read would.
     * @return what was delivered and what dropped.
     */
    static Outcome salvage(final AtomicBuffer buffer, final MessageHandler handler)
    {
        final int capacity = buffer.capacity() - TRAILER_LENGTH;
        final int mask = capacity - 1;
        // Acquire loads: the writer's process has exited, so these are its last stores.
        final long head = buffer.getLongVolatile(capacity + HEAD_POSITION_OFFSET);
        final long tail = buffer.getLongVolatile(capacity + TAIL_POSITION_OFFSET);
        int delivered = 0;
        int dropped = 0;
        boolean corrupt = tail < head || tail - head > capacity; // positions no writer could leave: walk nothing
        boolean inClaim = false;
        long at = head;
        while (!corrupt && at < tail)
        {
            final int index = (int)(at & mask);
            final long length = buffer.getIntVolatile(lengthOffset(index));
            if (length == 0)
            {
                dropped += inClaim ? 0 : 1; // a claim with nothing written: its bytes are 0 up to the next record
                inClaim = true;
                at += ALIGNMENT;
                continue;
            }
            inClaim = false;
            final long size = Math.abs(length);
            final long span = align(size, ALIGNMENT);
            if (size < HEADER_LENGTH || span > capacity - index || span > tail - at)
            {
                corrupt = true; // not a record a writer could have left: stop here, the rest is emptied below
                break;
            }
            if (length > 0)
            {
                final int type = buffer.getInt(typeOffset(index));
                if (type != PADDING_MSG_TYPE_ID)
                {
                    handler.onMessage(type, buffer, index + HEADER_LENGTH, (int)size - HEADER_LENGTH);
                    delivered++;
                }
            }
            else
            {
                dropped++;
            }
            at += span;
        }
        empty(buffer, capacity, head, tail);
        return new Outcome(delivered, dropped, corrupt);
    }

    private static void empty(final AtomicBuffer buffer, final int capacity, final long head, final long tail)
    {
        final long used = tail < head || tail - head > capacity ? capacity : tail - head;
        final int from = (int)(head & (capacity - 1));
        final int first = (int)Math.min(used, capacity - from);
        // Outside [head, tail) the reader has already zeroed what it read; a fresh buffer is zero.
        buffer.setMemory(from, first, (byte)0);
        if (used > first)
        {
            buffer.setMemory(0, (int)Math.min(used - first, capacity), (byte)0);
        }
        // Release stores, zeroing first: the next writer, started after this returns, sees an empty buffer whose
        // bytes are all 0, and claims from the tail the dead one left.
        buffer.putLongRelease(capacity + HEAD_CACHE_POSITION_OFFSET, tail);
        buffer.putLongRelease(capacity + HEAD_POSITION_OFFSET, tail);
    }
}
