package dev.shoal.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.remote.WireDescriptor.*;

/**
 * An agent's heap side: consumer threads take the records the coordinator leases to this host, process them with
 * a {@link RecordProcessor} and answer each with its new key, or with its completion.
 */
final class HeapAgentService implements AgentService
{
    /** A record as it arrived. */
    private record Item(long session, long seq, long key, int deliveries, byte[] payload, Consumer<Answer> answers)
    {
    }

    private static final Item STOP = new Item(0, 0, 0, 0, new byte[0], null);

    private final int consumers;
    private final RecordProcessor processor;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private Consumer<String> status;

    HeapAgentService(final int consumers, final RecordProcessor processor)
    {
        if (consumers < 1)
        {
            throw new IllegalArgumentException("consumers must be >= 1: consumers=" + consumers);
        }
        this.consumers = consumers;
        this.processor = processor;
    }

    @Override
    public int kind()
    {
        return SERVICE_HEAP;
    }

    @Override
    public int workers()
    {
        return 1;
    }

    @Override
    public int threads()
    {
        return consumers;
    }

    @Override
    public int maxItemBytes()
    {
        return EmbeddedAeron.MAX_MESSAGE - ITEMS_OFFSET - ITEM_HEADER_LENGTH;
    }

    @Override
    public void start(final Consumer<String> statusSink)
    {
        this.status = statusSink;
        for (int i = 0; i < consumers; i++)
        {
            final Thread t = new Thread(this::consume, "shoal-heap-consumer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        statusSink.accept("agent: " + consumers + " heap consumer thread(s)");
    }

    @Override
    public void onItem(final long session, final long seq, final int attempt, final DirectBuffer buffer,
        final int offset, final int length, final Consumer<Answer> answers)
    {
        final long key = buffer.getLong(offset + RECORD_KEY_OFFSET, ORDER);
        final int deliveries = buffer.getInt(offset + RECORD_DELIVERIES_OFFSET, ORDER);
        final byte[] payload = new byte[length - RECORD_PAYLOAD_OFFSET];
        buffer.getBytes(offset + RECORD_PAYLOAD_OFFSET, payload);
        queue.add(new Item(session, seq, key, deliveries, payload, answers));
    }

    private void consume()
    {
        final UnsafeBuffer answer = new UnsafeBuffer(new byte[RECORD_ANSWER_LENGTH]);
        while (true)
        {
            final Item item;
            try
            {
                item = queue.take();
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (item == STOP)
            {
                return;
            }
            long newKey;
            try
            {
                newKey = processor.process(item.key(), item.payload(), item.deliveries());
            }
            catch (final Exception | Error ex)
            {
                // An Error too (an assertion in the user's processor): it ended this consumer thread while the
                // agent kept heartbeating, so the records the thread held never went back to the heap.
                status.accept("agent: processing record (key " + item.key() + ") failed, rescheduled at its key: " +
                    ex);
                newKey = item.key();
            }
            answer.putInt(RECORD_ACTION_OFFSET, newKey == RecordProcessor.COMPLETE ? ACTION_COMPLETE :
                ACTION_RESCHEDULE, ORDER);
            answer.putLong(RECORD_NEW_KEY_OFFSET, newKey, ORDER);
            item.answers().accept(new Answer(item.session(), item.seq(), 1, answer.byteArray().clone()));
        }
    }

    @Override
    public void close()
    {
        queue.clear(); // what is not started yet is the coordinator's again once this host is gone
        for (int i = 0; i < threads.size(); i++)
        {
            queue.add(STOP);
        }
        for (final Thread t : threads)
        {
            try
            {
                t.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
