package dev.shoal.journal;

import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts of a journal's records: results by status and by worker, log lines by worker.
 */
public final class JournalStats
{
    private final Map<JournalStatus, Long> resultsByStatus = new EnumMap<>(JournalStatus.class);
    private final SortedMap<Integer, Long> resultsByWorker = new TreeMap<>();
    private final SortedMap<Integer, Long> logsByWorker = new TreeMap<>();
    private long results;
    private long logs;
    private long keyed;

    /**
     * Creates empty counts.
     */
    public JournalStats()
    {
        for (final JournalStatus s : JournalStatus.values())
        {
            resultsByStatus.put(s, 0L);
        }
    }

    /**
     * Reads a tailer to its current end.
     *
     * @param tailer a tailer (from its position).
     * @return the counts.
     */
    public static JournalStats of(final JournalTailer tailer)
    {
        final JournalStats stats = new JournalStats();
        for (JournalEntry e = tailer.next(); e != null; e = tailer.next())
        {
            stats.add(e.record());
        }
        return stats;
    }

    /**
     * @param record a record to count.
     */
    public void add(final JournalRecord record)
    {
        if (record instanceof ResultRecord r)
        {
            results++;
            keyed += r.key().isEmpty() ? 0 : 1;
            resultsByStatus.merge(r.status(), 1L, Long::sum);
            resultsByWorker.merge(r.workerId(), 1L, Long::sum);
        }
        else
        {
            logs++;
            logsByWorker.merge(record.workerId(), 1L, Long::sum);
        }
    }

    /**
     * @return result records.
     */
    public long results()
    {
        return results;
    }

    /**
     * @return result records with a key.
     */
    public long keyed()
    {
        return keyed;
    }

    /**
     * @return log records.
     */
    public long logs()
    {
        return logs;
    }

    /**
     * @return result records by status (every status present).
     */
    public Map<JournalStatus, Long> resultsByStatus()
    {
        return resultsByStatus;
    }

    /**
     * @return result records by worker id.
     */
    public SortedMap<Integer, Long> resultsByWorker()
    {
        return resultsByWorker;
    }

    /**
     * @return log records by worker id (-1: not from a worker).
     */
    public SortedMap<Integer, Long> logsByWorker()
    {
        return logsByWorker;
    }
}
