package dev.shoal.journal;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A child JVM appending to one journal beside others: {@code DIR WRITER COUNT} appends COUNT results keyed
 * {@code wWRITER-i} whose body is (WRITER, i), and a log line after every tenth.
 */
public final class JournalAppendChild
{
    private JournalAppendChild()
    {
    }

    /**
     * @param args DIR WRITER COUNT.
     */
    public static void main(final String[] args)
    {
        final Path dir = Path.of(args[0]);
        final int writer = Integer.parseInt(args[1]);
        final int count = Integer.parseInt(args[2]);
        final long start = System.nanoTime();
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            for (int i = 0; i < count; i++)
            {
                final byte[] body = ByteBuffer.allocate(8).putInt(writer).putInt(i).array();
                journal.append(new ResultRecord("w" + writer + "-" + i, i, "append", JournalStatus.OK, 1, writer, body,
                    0L, System.nanoTime()));
                if (i % 10 == 9)
                {
                    journal.append(new LogRecord(writer, i, "writer " + writer + " at " + i, System.nanoTime()));
                }
            }
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("appended=%d seconds=%.3f%n", count + count / 10, seconds);
    }
}
