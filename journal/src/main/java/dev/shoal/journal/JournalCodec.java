package dev.shoal.journal;

import java.nio.charset.StandardCharsets;

import net.openhft.chronicle.bytes.Bytes;

import static dev.shoal.journal.JournalRecordDescriptor.*;

/**
 * Reads records in the {@link JournalRecordDescriptor} layout from Chronicle {@link Bytes} ({@link RecordBatch}
 * writes them).
 */
final class JournalCodec
{
    static
    {
        ChronicleGuard.ensure();
    }

    private JournalCodec()
    {
    }

    /**
     * @param in    the excerpt, from its read position.
     * @param index its journal index (for messages).
     * @return the record.
     * @throws JournalFormatException when the bytes do not follow the layout.
     */
    static JournalRecord read(final Bytes<?> in, final long index)
    {
        checkMinLength(in, index);
        final byte type = in.readByte();
        final byte version = in.readByte();
        checkHeader(type, version, index);
        final int status = in.readByte();
        in.readByte();
        final int workerId = in.readInt();
        final long jobId = in.readLong();
        final long submitted = in.readLong();
        final long completed = in.readLong();
        final int attempt = in.readInt();
        final byte[] key = field(in, "key", index);
        final byte[] handler = field(in, "handler", index);
        final byte[] body = field(in, "body", index);
        if (type == TYPE_LOG)
        {
            return new LogRecord(workerId, jobId, new String(body, StandardCharsets.UTF_8), completed);
        }
        return new ResultRecord(new String(key, StandardCharsets.UTF_8), jobId,
            new String(handler, StandardCharsets.UTF_8), JournalStatus.of(status), attempt, workerId, body, submitted,
            completed);
    }

    /**
     * @param in    an excerpt: one record, or a batch of records back to back.
     * @param index its journal index (for messages).
     * @return its records, in order.
     * @throws JournalFormatException when the bytes do not follow the layout.
     */
    static java.util.List<JournalRecord> readAll(final Bytes<?> in, final long index)
    {
        final java.util.List<JournalRecord> records = new java.util.ArrayList<>(1);
        do
        {
            records.add(read(in, index));
        }
        while (in.readRemaining() > 0);
        return records;
    }

    private static void checkMinLength(final Bytes<?> in, final long index)
    {
        if (in.readRemaining() < MIN_LENGTH)
        {
            throw new JournalFormatException("not a Shoal journal record at index=" + index + ": length=" +
                in.readRemaining() + " below the minimum=" + MIN_LENGTH);
        }
    }

    private static byte[] field(final Bytes<?> in, final String name, final long index)
    {
        final int length = in.readInt();
        checkLength(name, length, in.readRemaining(), index);
        final byte[] bytes = new byte[length];
        in.read(bytes);
        return bytes;
    }
}
