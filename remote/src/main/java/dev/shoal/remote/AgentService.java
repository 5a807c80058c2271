package dev.shoal.remote;

import java.util.function.Consumer;

import org.agrona.DirectBuffer;

/**
 * What an {@link Agent} does with the items its coordinator leases to it: runs a pool's job frames in a local pool
 * ({@link PoolAgentService}) or processes a heap's records ({@link HeapAgentService}).
 */
interface AgentService
{
    /**
     * One item's answer, ready to send.
     *
     * @param session the agent session the item came under, its HELLO's incarnation (an answer for a session the
     *                agent has left is dropped: a host id alone does not say which session, since a coordinator
     *                started again numbers its hosts from 1 again).
     * @param seq     the item's seq.
     * @param count   the count it states (a pool's job count; 1 for a record).
     * @param bytes   the answer.
     */
    record Answer(long session, long seq, int count, byte[] bytes)
    {
    }

    /**
     * @return {@link WireDescriptor#SERVICE_POOL} or {@link WireDescriptor#SERVICE_HEAP}.
     */
    int kind();

    /**
     * @return processes (or consumers) working here, for the coordinator's log.
     */
    int workers();

    /**
     * @return threads per worker, for the coordinator's log.
     */
    int threads();

    /**
     * @return the largest item this service takes, in bytes.
     */
    int maxItemBytes();

    /**
     * Starts the workers, before the first HELLO.
     *
     * @param status where state lines go.
     */
    void start(Consumer<String> status);

    /**
     * Takes an item; its answer goes to {@code answers}, from any thread, once it is ready.
     *
     * @param session the agent session it came under (its incarnation).
     * @param seq     its seq.
     * @param attempt its delivery count.
     * @param buffer  holds it; valid during the call only.
     * @param offset  where it starts.
     * @param length  its length.
     * @param answers receives the answer.
     */
    void onItem(long session, long seq, int attempt, DirectBuffer buffer, int offset, int length,
        Consumer<Answer> answers);

    /**
     * Called on every turn of the agent's loop, which must never block: hands on items taken earlier that could not
     * be handed on at once.
     *
     * @return items handed on (work done this turn).
     */
    default int pump()
    {
        return 0;
    }

    /**
     * Stops the workers.
     */
    void close();
}
