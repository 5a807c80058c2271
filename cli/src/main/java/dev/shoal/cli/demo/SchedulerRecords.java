package dev.shoal.cli.demo;

import dev.shoal.remote.RecordProcessor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The demo's self-checking record payload: the record number and a check word derived from it, so that a
 * torn or foreign payload is detected by whoever reads it.
 *
 * <pre>
 *  0: record number (long)    8: check = ~number * CHECK_FACTOR (long)
 * </pre>
 */
public final class SchedulerRecords
{
    /** Bytes of a payload. */
    public static final int PAYLOAD_BYTES = 16;

    private static final long CHECK_FACTOR = 0x9E3779B97F4A7C15L;

    private SchedulerRecords()
    {
    }

    /**
     * @param number record number.
     * @return its payload.
     */
    public static byte[] payload(final long number)
    {
        final byte[] bytes = new byte[PAYLOAD_BYTES];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putLong(0, number);
        buffer.putLong(Long.BYTES, ~number * CHECK_FACTOR);
        return bytes;
    }

    /**
     * @param payload a payload read from the heap.
     * @return its record number, or -1 when the payload is not a valid record.
     */
    public static long number(final DirectBuffer payload)
    {
        if (payload.capacity() != PAYLOAD_BYTES)
        {
            return -1;
        }
        final long number = payload.getLong(0);
        return payload.getLong(Long.BYTES) == ~number * CHECK_FACTOR ? number : -1;
    }

    /**
     * @param payload a payload copied from the heap.
     * @return its record number, or -1 when invalid.
     */
    public static long number(final byte[] payload)
    {
        return number(new UnsafeBuffer(payload));
    }

    /**
     * What a remote consumer of the demo does ({@code shoal agent --scheduler}): checks the record, as the local
     * workers do, and reschedules it {@code delayMs} from now.
     *
     * @param delayMs how far in the future the record is due next.
     * @return the processor.
     */
    public static RecordProcessor remoteProcessor(final long delayMs)
    {
        return (key, payload, deliveries) ->
        {
            if (number(payload) < 0)
            {
                throw new IllegalStateException("record payload failed its check");
            }
            return System.currentTimeMillis() + delayMs;
        };
    }
}
