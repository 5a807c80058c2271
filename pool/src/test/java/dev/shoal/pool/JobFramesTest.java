package dev.shoal.pool;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Job frames written from a list of arguments and from one argument read back the same, and a reader decodes a
 * handler name once while frames keep naming it, and again as soon as a frame names another one.
 */
class JobFramesTest
{
    @Test
    void shouldReadBackAFrameOfOneArgumentAsTheSameFrameWrittenFromAList()
    {
        final byte[] name = bytes("hash");
        final byte[] argument = bytes("argument");
        final UnsafeBuffer one = new UnsafeBuffer(new byte[JobFrames.length(name, argument)]);
        final UnsafeBuffer list = new UnsafeBuffer(new byte[JobFrames.length(name, List.of(argument))]);
        assertEquals(list.capacity(), one.capacity());
        JobFrames.write(one, 7, name, argument);
        JobFrames.write(list, 7, name, List.of(argument));
        assertArrayEquals(list.byteArray(), one.byteArray());
        final JobFrames.Frame frame = JobFrames.read(one, 0, one.capacity());
        assertEquals(7, frame.firstJobId());
        assertEquals("hash", frame.handler());
        assertEquals(1, frame.arguments().length);
        assertArrayEquals(argument, frame.arguments()[0]);
    }

    @Test
    void shouldKeepAFramesEarlierDeliveriesBesideItsCountInTheCountWord()
    {
        final UnsafeBuffer buffer = frame("hash", 9);
        assertEquals(0, JobFrames.read(buffer, 0, buffer.capacity()).earlierDeliveries(), "a submitter's frame");
        buffer.putInt(JobFrameDescriptor.COUNT_OFFSET, JobFrameDescriptor.countWord(1, 5));
        final JobFrames.Frame handedBack = JobFrames.read(buffer, 0, buffer.capacity());
        assertEquals(5, handedBack.earlierDeliveries());
        assertEquals(1, handedBack.arguments().length, "the count is read past the deliveries above it");
        final int most = JobFrameDescriptor.countWord(JobFrameDescriptor.MAX_BATCH, Integer.MAX_VALUE);
        assertEquals(JobFrameDescriptor.MAX_BATCH, JobFrameDescriptor.count(most));
        assertEquals(JobFrameDescriptor.MAX_EARLIER_DELIVERIES, JobFrameDescriptor.earlierDeliveries(most));
        assertTrue(most > 0, "the word stays positive");
        assertEquals(-1, JobFrameDescriptor.count(0x8000_0001), "a negative word is corrupt, not 128 deliveries");
    }

    @Test
    void shouldDecodeAHandlerNameOnceWhileFramesRepeatIt()
    {
        final JobFrames.Names names = new JobFrames.Names();
        final String first = JobFrames.read(frame("hash", 1), 0, size("hash"), names).handler();
        final String again = JobFrames.read(frame("hash", 2), 0, size("hash"), names).handler();
        assertEquals("hash", first);
        assertSame(first, again, "the same name, decoded once");
        final String other = JobFrames.read(frame("hasx", 3), 0, size("hasx"), names).handler();
        assertEquals("hasx", other, "same length, one byte apart: decoded anew");
        final String longer = JobFrames.read(frame("hashes", 4), 0, size("hashes"), names).handler();
        assertEquals("hashes", longer);
        final String back = JobFrames.read(frame("hash", 5), 0, size("hash"), names).handler();
        assertEquals("hash", back);
        assertNotSame(first, back, "only the last name is kept");
    }

    private static UnsafeBuffer frame(final String handler, final long jobId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[size(handler)]);
        JobFrames.write(buffer, jobId, bytes(handler), bytes("x"));
        return buffer;
    }

    private static int size(final String handler)
    {
        return JobFrames.length(bytes(handler), bytes("x"));
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
