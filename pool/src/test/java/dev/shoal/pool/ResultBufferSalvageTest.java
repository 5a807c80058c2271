package dev.shoal.pool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.Test;

import static org.agrona.BitUtil.align;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.ALIGNMENT;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.HEADER_LENGTH;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.encodedMsgOffset;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.lengthOffset;
import static org.agrona.concurrent.ringbuffer.RecordDescriptor.typeOffset;
import static org.agrona.concurrent.ringbuffer.RingBuffer.PADDING_MSG_TYPE_ID;
import static org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TAIL_POSITION_OFFSET;
import static org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A writer killed after each step of Agrona's {@code write} (claim, padding when the claim wraps, header, message,
 * type, commit), with and without records its process committed before and after it: the salvage delivers exactly
 * the committed messages, in order, and leaves an empty buffer that a new writer and the reader use as new. The
 * steps are replayed store by store, so every prefix of a write, which is every state a SIGKILL can leave, is
 * enumerated rather than picked.
 */
class ResultBufferSalvageTest
{
    private static final int CAPACITY = 1024;
    private static final int TYPE = 7;
    private static final String DEAD = "dead-writer-message-of-some-length";

    @Test
    void shouldDeliverEveryCommittedMessageAndEmptyTheBufferWhateverStepTheWriterDiedAfter()
    {
        int cases = 0;
        for (final boolean wraps : new boolean[]{ false, true })
        {
            final AtomicBuffer probe = freshBuffer();
            if (wraps)
            {
                moveTailNearTheEnd(new ManyToOneRingBuffer(probe));
            }
            final int steps = deadWrite(probe, message(DEAD), Integer.MAX_VALUE);
            assertEquals(wraps ? 9 : 6, steps, "the stores of a write that wraps pad first");
            for (int done = 0; done <= steps; done++)
            {
                for (final boolean before : new boolean[]{ false, true })
                {
                    for (final boolean after : new boolean[]{ false, true })
                    {
                        check(wraps, done, steps, before, after);
                        cases++;
                    }
                }
            }
        }
        assertEquals(4 * (7 + 10), cases, "every prefix of both shapes, with and without neighbours");
    }

    private static void check(final boolean wraps, final int done, final int steps, final boolean before,
        final boolean after)
    {
        final String name = "wraps=" + wraps + " steps=" + done + "/" + steps + " before=" + before + " after=" +
            after;
        final AtomicBuffer buffer = freshBuffer();
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(buffer);
        if (wraps)
        {
            moveTailNearTheEnd(ring);
        }
        final List<String> expected = new ArrayList<>();
        if (before)
        {
            write(ring, "before");
            expected.add("before");
        }
        final int total = deadWrite(buffer, message(DEAD), done);
        if (done == total)
        {
            expected.add(DEAD);
        }
        if (after)
        {
            write(ring, "after"); // another thread of the same process, committed behind the dead claim
            expected.add("after");
        }
        final List<String> delivered = new ArrayList<>();
        final ResultBufferSalvage.Outcome outcome = ResultBufferSalvage.salvage(buffer, collect(delivered));
        assertEquals(expected, delivered, name);
        assertFalse(outcome.corrupt(), name);
        assertEquals(total, steps, name);
        assertEquals(done > 0 && done < total, outcome.dropped() > 0, name + ": dropped " + outcome.dropped());
        assertEmptyAndUsable(buffer, name);
    }

    @Test
    void shouldEmptyABufferWhoseHeaderNoWriterCouldLeave()
    {
        final AtomicBuffer buffer = freshBuffer();
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(buffer);
        write(ring, "first");
        final long tail = ring.producerPosition();
        write(ring, "second");
        buffer.putInt(lengthOffset((int)tail), CAPACITY * 4); // a length past the buffer's end
        final List<String> delivered = new ArrayList<>();
        final ResultBufferSalvage.Outcome outcome = ResultBufferSalvage.salvage(buffer, collect(delivered));
        assertTrue(outcome.corrupt());
        assertEquals(List.of("first"), delivered);
        assertEmptyAndUsable(buffer, "corrupt header");
    }

    @Test
    void shouldEmptyABufferWhosePositionsNoWriterCouldLeave()
    {
        final AtomicBuffer buffer = freshBuffer();
        write(new ManyToOneRingBuffer(buffer), "lost");
        buffer.putLong(CAPACITY + TAIL_POSITION_OFFSET, 10L * CAPACITY); // the tail a lap and more past the head
        final ResultBufferSalvage.Outcome outcome = ResultBufferSalvage.salvage(buffer, collect(new ArrayList<>()));
        assertTrue(outcome.corrupt());
        assertEmptyAndUsable(buffer, "corrupt positions");
    }

    private static void assertEmptyAndUsable(final AtomicBuffer buffer, final String name)
    {
        for (int i = 0; i < CAPACITY; i += Long.BYTES)
        {
            assertEquals(0L, buffer.getLong(i), name + ": byte " + i + " left behind");
        }
        final ManyToOneRingBuffer next = new ManyToOneRingBuffer(buffer);
        assertEquals(next.producerPosition(), next.consumerPosition(), name);
        assertEquals(0, next.read((type, b, offset, length) -> fail(name + ": read something"), 100), name);
        for (int i = 0; i < 40; i++) // laps the buffer: wraps over whatever the salvage zeroed
        {
            write(next, "next-" + i);
            final List<String> got = new ArrayList<>();
            assertEquals(1, next.read(collect(got), 100), name);
            assertEquals(List.of("next-" + i), got, name);
        }
    }

    private static AtomicBuffer freshBuffer()
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY + TRAILER_LENGTH));
    }

    /**
     * Writes and reads 16-byte fillers until 32 bytes are left before the end: one more 16-byte record fits, the
     * dead writer's 48-byte one does not (its claim pads to the end and wraps).
     */
    private static void moveTailNearTheEnd(final ManyToOneRingBuffer ring)
    {
        while (CAPACITY - (int)(ring.producerPosition() & (CAPACITY - 1)) > 32)
        {
            write(ring, "f");
            ring.read((type, b, offset, length) -> { }, 1);
        }
    }

    /**
     * Replays Agrona's write of {@code msg} store by store, stopping after {@code steps} of them.
     *
     * @return how many stores the whole write makes.
     */
    private static int deadWrite(final AtomicBuffer b, final byte[] msg, final int steps)
    {
        final int recordLength = msg.length + HEADER_LENGTH;
        final int required = align(recordLength, ALIGNMENT);
        final long tail = b.getLong(CAPACITY + TAIL_POSITION_OFFSET);
        final int tailIndex = (int)(tail & (CAPACITY - 1));
        final int padding = required > CAPACITY - tailIndex ? CAPACITY - tailIndex : 0;
        final int at = padding > 0 ? 0 : tailIndex;
        final List<Runnable> stores = new ArrayList<>();
        stores.add(() -> b.putLongVolatile(CAPACITY + TAIL_POSITION_OFFSET, tail + padding + required)); // claim
        if (padding > 0)
        {
            stores.add(() -> b.putIntRelease(lengthOffset(tailIndex), -padding));
            stores.add(() -> b.putInt(typeOffset(tailIndex), PADDING_MSG_TYPE_ID));
            stores.add(() -> b.putIntRelease(lengthOffset(tailIndex), padding));
        }
        stores.add(() -> b.putIntRelease(lengthOffset(at), -recordLength));
        stores.add(() -> b.putBytes(encodedMsgOffset(at), msg, 0, msg.length / 2)); // a torn copy
        stores.add(() -> b.putBytes(encodedMsgOffset(at), msg));
        stores.add(() -> b.putInt(typeOffset(at), TYPE));
        stores.add(() -> b.putIntRelease(lengthOffset(at), recordLength)); // commit
        for (int i = 0; i < Math.min(steps, stores.size()); i++)
        {
            stores.get(i).run();
        }
        return stores.size();
    }

    private static void write(final ManyToOneRingBuffer ring, final String text)
    {
        final byte[] bytes = message(text);
        assertTrue(ring.write(TYPE, new UnsafeBuffer(bytes), 0, bytes.length));
    }

    private static byte[] message(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static MessageHandler collect(final List<String> into)
    {
        return (type, buffer, offset, length) ->
        {
            assertEquals(TYPE, type);
            into.add(buffer.getStringWithoutLengthUtf8(offset, length));
        };
    }
}
