package dev.shoal.pool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frame's results taken message by message ({@link FrameCall#takeRun}): every job's bytes land in one array and
 * come back as its own copy, a redelivered job's second result is dropped and counted, the frame completes only
 * when every taken run is settled, and {@code failRest} fails only what was never taken.
 */
class FrameCallTest
{
    private static final long FIRST = 1_000;

    @Test
    void shouldTakeEveryResultOfOneMessageAndCompleteOnceSettled()
    {
        final FrameCall call = new FrameCall(FIRST, 3, "h", 0);
        final FrameCall.Run run = new FrameCall.Run(false);
        final UnsafeBuffer message = items(ok("a"), ok(""), ok("ccc"));
        final int end = call.takeRun(FIRST, 3, message, 0, message.capacity(), run);
        assertEquals(message.capacity(), end, "every item read");
        assertEquals(3, run.taken);
        assertEquals(3, run.ok);
        assertTrue(run.allTaken);
        assertFalse(call.done().isDone(), "taken is not yet recorded: the journal may still be writing them");
        call.settle(run.taken);
        assertTrue(call.done().isDone());
        assertArrayEquals(bytes("a"), call.result(0));
        assertArrayEquals(new byte[0], call.result(1));
        assertArrayEquals(bytes("ccc"), call.result(2));
        call.result(0)[0] = 'z';
        assertArrayEquals(bytes("a"), call.result(0), "each result is a copy");
    }

    @Test
    void shouldHandEveryResultOverInOrderUpToTheFirstFailure()
    {
        final FrameCall call = new FrameCall(FIRST, 4, "h", 0);
        final FrameCall.Run run = new FrameCall.Run(false);
        final UnsafeBuffer message = items(ok("a"), ok("bb"), threw(), ok("d"));
        call.takeRun(FIRST, 4, message, 0, message.capacity(), run);
        call.settle(run.taken);
        final List<String> out = new ArrayList<>();
        final RemoteJobException remote = assertThrows(RemoteJobException.class,
            () -> call.resultsInto(HandlerKey.text("h"), out));
        assertEquals("boom", remote.remoteMessage());
        assertEquals(List.of("a", "bb"), out, "the results before the failure, decoded, in order");

        final FrameCall whole = new FrameCall(FIRST, 2, "h", 0);
        final UnsafeBuffer both = items(ok("x"), ok(""));
        whole.takeRun(FIRST, 2, both, 0, both.capacity(), run);
        whole.settle(run.taken);
        final List<byte[]> bytes = new ArrayList<>();
        whole.resultsInto(HandlerKey.bytes("h"), bytes);
        assertEquals(2, bytes.size());
        assertArrayEquals(bytes("x"), bytes.get(0));
        assertArrayEquals(new byte[0], bytes.get(1));
    }

    @Test
    void shouldDropTheSecondResultOfARedeliveredJobAndKeepTheFirst()
    {
        final FrameCall call = new FrameCall(FIRST, 4, "h", 0);
        final FrameCall.Run run = new FrameCall.Run(true);
        final UnsafeBuffer first = items(ok("j1"), ok("j2"));
        call.takeRun(FIRST + 1, 2, first, 0, first.capacity(), run);
        assertEquals(2, run.taken);
        assertArrayEquals(bytes("j2"), run.body[1], "with keepBodies each taken job's bytes are handed over");
        assertEquals(2, run.index[1]);
        call.settle(run.taken);
        // The frame delivered again as a whole: jobs 1 and 2 come a second time with other bytes.
        final UnsafeBuffer again = items(ok("j0"), ok("J1"), ok("J2"), threw());
        call.takeRun(FIRST, 4, again, 0, again.capacity(), run);
        assertEquals(2, run.taken, "only jobs 0 and 3 are new");
        assertEquals(2, run.duplicates);
        assertEquals(1, run.ok);
        assertEquals(0, run.index[0]);
        assertEquals(3, run.index[1]);
        assertTrue(run.allTaken);
        assertFalse(call.done().isDone());
        call.settle(run.taken);
        assertTrue(call.done().isDone());
        assertArrayEquals(bytes("j0"), call.result(0));
        assertArrayEquals(bytes("j1"), call.result(1), "the first result wins");
        assertArrayEquals(bytes("j2"), call.result(2));
        final RemoteJobException remote = assertThrows(RemoteJobException.class, () -> call.result(3));
        assertEquals("boom", remote.remoteMessage());
    }

    @Test
    void shouldFailOnlyWhatWasNeverTaken()
    {
        final FrameCall call = new FrameCall(FIRST, 3, "h", 0);
        final FrameCall.Run run = new FrameCall.Run(false);
        final UnsafeBuffer message = items(ok("x"));
        call.takeRun(FIRST + 2, 1, message, 0, message.capacity(), run);
        assertFalse(run.allTaken);
        assertEquals(2, call.failRest(new JobFailedException("gone")));
        assertFalse(call.done().isDone(), "the taken job is still on its way to settle");
        call.settle(run.taken);
        assertTrue(call.done().isDone());
        assertEquals("gone", assertThrows(JobFailedException.class, () -> call.result(0)).getMessage());
        assertArrayEquals(bytes("x"), call.result(2));
        assertEquals(0, call.failRest(null), "nothing left to fail");
    }

    @Test
    void shouldStopAtTheFramesEndAndAtATruncatedItem()
    {
        final FrameCall call = new FrameCall(FIRST, 2, "h", 0);
        final FrameCall.Run run = new FrameCall.Run(false);
        final UnsafeBuffer message = items(ok("a"), ok("b"), ok("c"));
        final int end = call.takeRun(FIRST, 3, message, 0, message.capacity(), run);
        assertEquals(2, run.taken, "the third item is not this frame's job");
        assertEquals(items(ok("a"), ok("b")).capacity(), end, "returns where the frame's items end");
        final FrameCall other = new FrameCall(FIRST, 2, "h", 0);
        other.takeRun(FIRST, 2, message, 0, 2 * Integer.BYTES + 1, run);
        assertEquals(1, run.taken, "an item whose header does not fit is not read");
    }

    private static byte[] ok(final String s)
    {
        return item(ResultFrameDescriptor.STATUS_OK, bytes(s));
    }

    private static byte[] threw()
    {
        // An encoded remote exception: class, message, stack, each length-prefixed (see ResultWriter.threw).
        final byte[][] parts = {bytes("java.lang.IllegalStateException"), bytes("boom"), bytes("")};
        int length = 0;
        for (final byte[] p : parts)
        {
            length += Integer.BYTES + p.length;
        }
        final UnsafeBuffer b = new UnsafeBuffer(new byte[length]);
        int at = 0;
        for (final byte[] p : parts)
        {
            b.putInt(at, p.length);
            b.putBytes(at + Integer.BYTES, p);
            at += Integer.BYTES + p.length;
        }
        return item(ResultFrameDescriptor.STATUS_THREW, b.byteArray());
    }

    private static byte[] item(final int status, final byte[] body)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[2 * Integer.BYTES + body.length]);
        b.putInt(0, status);
        b.putInt(Integer.BYTES, body.length);
        b.putBytes(2 * Integer.BYTES, body);
        return b.byteArray();
    }

    private static UnsafeBuffer items(final byte[]... items)
    {
        int length = 0;
        for (final byte[] i : items)
        {
            length += i.length;
        }
        final UnsafeBuffer b = new UnsafeBuffer(new byte[length]);
        int at = 0;
        for (final byte[] i : items)
        {
            b.putBytes(at, i);
            at += i.length;
        }
        return b;
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
