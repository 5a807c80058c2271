package dev.shoal.journal;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;

/**
 * Proves the journal never reaches the network. Installs a {@link ProxySelector} that every {@code URL} connection
 * (HTTP and HTTPS, which Chronicle's analytics use) consults before it resolves or connects: it prints
 * {@code NET uri} and refuses, so nothing leaves the machine even when the trap springs.
 *
 * <p>{@code journal DIR}: opens, appends to, tails and indexes a journal through Shoal's API, then prints
 * {@code DONE}. {@code raw DIR}: the control, Chronicle Queue used directly (without Shoal's guard) and run with
 * analytics enabled: waits until the trap springs (proving it catches Chronicle's analytics), then prints
 * {@code DONE}.
 */
public final class NetworkTrapChild
{
    private static final AtomicInteger ATTEMPTS = new AtomicInteger();

    private NetworkTrapChild()
    {
    }

    /**
     * @param args MODE DIR.
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        ProxySelector.setDefault(new Trap());
        final Path dir = Path.of(args[1]);
        if ("raw".equals(args[0]))
        {
            try (ChronicleQueue queue = ChronicleQueue.singleBuilder(dir).build();
                ExcerptAppender appender = queue.createAppender())
            {
                appender.writeText("raw");
            }
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (ATTEMPTS.get() == 0 && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(10); // polling interval of a deadline wait
            }
        }
        else
        {
            try (ResultJournal journal = ResultJournal.open(dir))
            {
                journal.append(new ResultRecord("k", 1, "h", JournalStatus.OK, 1, 0, new byte[]{ 1 }, 0L, 1L));
                journal.append(new LogRecord(0, 1, "line", 1L));
                try (JournalTailer tailer = journal.tailer(); CompletedJobs completed = journal.completedJobs())
                {
                    System.out.println("read=" + JournalStats.of(tailer).results() + " completed=" + completed.size());
                }
            }
            try (JournalTailer tailer = JournalTailer.open(dir))
            {
                System.out.println("reread=" + JournalStats.of(tailer).results());
            }
        }
        System.out.println("analytics.disable=" + System.getProperty(ChronicleGuard.ANALYTICS_DISABLE));
        System.out.println("DONE attempts=" + ATTEMPTS.get());
    }

    /**
     * Records and refuses every proxy lookup.
     */
    static final class Trap extends ProxySelector
    {
        @Override
        public List<Proxy> select(final URI uri)
        {
            ATTEMPTS.incrementAndGet();
            System.out.println("NET " + uri);
            throw new IllegalArgumentException("no network in this test: " + uri);
        }

        @Override
        public void connectFailed(final URI uri, final SocketAddress address, final IOException ex)
        {
            // the trap refused already
        }
    }
}
