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
     * Reads the first (or only) record of an excerpt.
     *
     * @param in    the excerpt, from its read position.
     * @param index its journal index (for messages).
     * @return the record.
     * @throws JournalFormatException when the bytes do not follow the layout.
     */
    static JournalRecord read(final Bytes<?> in, final long index)
    {
        final java.util.List<JournalRecord> records = new java.util.ArrayList<>(1);
        read(in, index, new Previous(), records);
        return records.get(0);
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
        final Previous previous = new Previous();
        do
        {
            read(in, index, previous, records);
        }
        while (in.readRemaining() > 0);
        return records;
    }

    /**
     * {@link #readAll(Bytes, long)} for a reader of the journal at {@code dir}: a record that breaks the layout is
     * reported as damage to that journal at the record's index in hex (as {@code shoal journal tail} prints it).
     *
     * @param in    an excerpt.
     * @param index its journal index.
     * @param dir   the journal directory.
     * @return its records, in order.
     * @throws JournalFormatException naming the journal, when the bytes do not follow the layout.
     */
    static java.util.List<JournalRecord> readAll(final Bytes<?> in, final long index, final java.nio.file.Path dir)
    {
        try
        {
            return readAll(in, index);
        }
        catch (final JournalFormatException ex)
        {
            throw new JournalFormatException("journal " + dir + " is damaged at index 0x" + Long.toHexString(index) +
                " (records before it read normally): " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads one record (a version-3 record: one run of results) and adds what it holds to {@code records}.
     */
    private static void read(final Bytes<?> in, final long index, final Previous previous,
        final java.util.List<JournalRecord> records)
    {
        final long length = in.readRemaining();
        checkMinLength(length, index, VERSION_OFFSET + 1);
        final byte type = in.readByte();
        final byte version = in.readByte();
        checkHeader(type, version, index);
        if (version == VERSION_RUN)
        {
            checkMinLength(length, index, RUN_MIN_LENGTH);
            readRun(in, index, previous, records);
        }
        else if (version == VERSION_COMPACT)
        {
            checkMinLength(length, index, COMPACT_MIN_LENGTH);
            records.add(readCompact(in, index, previous));
        }
        else
        {
            checkMinLength(length, index, MIN_LENGTH);
            records.add(readFixed(in, index, type));
        }
    }

    private static void readRun(final Bytes<?> in, final long index, final Previous previous,
        final java.util.List<JournalRecord> records)
    {
        final JournalStatus status = JournalStatus.of(in.readByte());
        final int flags = in.readByte();
        final int results = in.readUnsignedByte() | in.readUnsignedByte() << 8; // little-endian, as the layout says
        if (results == 0)
        {
            throw new JournalFormatException("journal record at index=" + index + " is a run of 0 results");
        }
        final int workerId = (int)unzigzag(varint(in, "worker id", index));
        final int attempt = (int)unzigzag(varint(in, "attempt", index));
        final long completed = previous.completed + unzigzag(varint(in, "completed", index));
        final String handler = handler(in, index, flags, previous);
        long jobId = previous.jobId;
        long submitted = completed;
        for (int i = 0; i < results; i++)
        {
            jobId += unzigzag(varint(in, "job id", index));
            submitted -= unzigzag(varint(in, "submitted", index));
            final byte[] key = compactField(in, "key", index);
            final byte[] body = compactField(in, "body", index);
            records.add(new ResultRecord(new String(key, StandardCharsets.UTF_8), jobId, handler, status, attempt,
                workerId, body, submitted, completed));
        }
        previous.jobId = jobId;
        previous.completed = completed;
        previous.handler = handler;
    }

    /**
     * @return a version-2 or -3 record's handler: the field, or the previous record's when the flag says so.
     */
    private static String handler(final Bytes<?> in, final long index, final int flags, final Previous previous)
    {
        if ((flags & FLAG_SAME_HANDLER) == 0)
        {
            return new String(compactField(in, "handler", index), StandardCharsets.UTF_8);
        }
        if (previous.handler == null)
        {
            throw new JournalFormatException("journal record at index=" + index + " names the previous " +
                "record's handler but no result record comes before it in its excerpt");
        }
        return previous.handler;
    }

    private static JournalRecord readFixed(final Bytes<?> in, final long index, final byte type)
    {
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

    private static JournalRecord readCompact(final Bytes<?> in, final long index, final Previous previous)
    {
        final int status = in.readByte();
        final int flags = in.readByte();
        final int workerId = (int)unzigzag(varint(in, "worker id", index));
        final long jobId = previous.jobId + unzigzag(varint(in, "job id", index));
        final int attempt = (int)unzigzag(varint(in, "attempt", index));
        final long completed = previous.completed + unzigzag(varint(in, "completed", index));
        final long submitted = completed - unzigzag(varint(in, "submitted", index));
        final byte[] key = compactField(in, "key", index);
        final String handler = handler(in, index, flags, previous);
        final byte[] body = compactField(in, "body", index);
        previous.jobId = jobId;
        previous.completed = completed;
        previous.handler = handler;
        return new ResultRecord(new String(key, StandardCharsets.UTF_8), jobId, handler, JournalStatus.of(status),
            attempt, workerId, body, submitted, completed);
    }

    /**
     * @return an unsigned LEB128 varint (see {@link JournalRecordDescriptor}).
     * @throws JournalFormatException when the record ends inside it or it runs past 10 bytes.
     */
    private static long varint(final Bytes<?> in, final String name, final long index)
    {
        long value = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++)
        {
            if (in.readRemaining() < 1)
            {
                throw new JournalFormatException("journal record at index=" + index + ": " + name +
                    " cut short by the end of the excerpt");
            }
            final int b = in.readUnsignedByte();
            value |= (long)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new JournalFormatException("journal record at index=" + index + ": " + name + " runs past " +
            MAX_VARINT_BYTES + " bytes");
    }

    private static long unzigzag(final long value)
    {
        return (value >>> 1) ^ -(value & 1);
    }

    private static byte[] compactField(final Bytes<?> in, final String name, final long index)
    {
        final long length = varint(in, name + " length", index);
        checkLength(name, length, in.readRemaining(), index);
        final byte[] bytes = new byte[(int)length];
        in.read(bytes);
        return bytes;
    }

    /**
     * @param length bytes from the record's start to the excerpt's end.
     */
    private static void checkMinLength(final long length, final long index, final int minimum)
    {
        if (length < minimum)
        {
            throw new JournalFormatException("not a Shoal journal record at index=" + index + ": length=" +
                length + " below the minimum=" + minimum);
        }
    }

    /** What a version-2 or -3 record is written relative to: the excerpt's previous one (an excerpt holds one). */
    private static final class Previous
    {
        long jobId;
        long completed;
        String handler;
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
