package dev.shoal.remote;

import java.nio.ByteOrder;

/**
 * Layout of the messages between a coordinator (a listening pool, or a heap server) and its agents, one Aeron
 * message each, all integers little-endian. Agents send on {@link #TO_COORDINATOR_STREAM} to the coordinator's
 * endpoint; the coordinator answers each agent on {@link #TO_AGENT_STREAM} at the endpoint the agent named in its
 * HELLO. The coordinator leases *items* to hosts: for a pool an item is one job frame of its ring, for a heap one
 * record; an agent answers each item once.
 *
 * <pre>
 * every message starts with
 *  +---------------------------------------------------------------+  0
 *  |        type (int)             |  host id (int, 0 before WELCOME)
 *  +---------------------------------------------------------------+  8
 *
 * HELLO (agent, type 1): incarnation (long: random per agent session), service (int: 1 pool, 2 heap),
 *                        workers (int), threads (int),
 *                        reply endpoint (int length, UTF-8 "HOST:PORT"), name (int length, UTF-8)
 * WELCOME (coordinator, type 11): incarnation (long, the HELLO's), window (int, items), max item bytes (int),
 *                        host timeout (long, ms), heartbeat interval (long, ms)
 * REFUSE (coordinator, type 15): incarnation (long, the HELLO's), reason (int length, UTF-8)
 * ITEMS (coordinator, type 12): count (int), then per item:
 *                        seq (long), attempt (int), length (int), the item (length bytes):
 *                        pool: the pool's job frame as it is;
 *                        heap: key (long), deliveries (int), payload (the rest)
 * ANSWERS (agent, type 2): count (int), then per item:
 *                        seq (long), job count (int), length (int), the answer (length bytes):
 *                        pool: per job status (int: 0 ok, 1 threw, 2 failed), length (int), bytes;
 *                              ok: the result; threw: class, message, stack as three (int length, UTF-8)
 *                              strings; failed: one (int length, UTF-8) reason
 *                        heap: action (int: 1 reschedule, 2 complete), new key (long)
 * HEARTBEAT (either, type 3 from an agent, 13 from the coordinator): nothing more
 * BYE (either, type 4 from an agent, 14 from the coordinator): the sender is leaving (an agent answers the
 *                        coordinator's BYE with its own); an agent's may carry why: reason (int length, UTF-8)
 * </pre>
 *
 * A seq names one delivery of one item to one host: an item sent again after its host was given up gets a new
 * seq, so a late answer to the old one finds nothing and is dropped.
 */
final class WireDescriptor
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    static final int TO_COORDINATOR_STREAM = 7301;
    static final int TO_AGENT_STREAM = 7302;

    static final int SERVICE_POOL = 1;
    static final int SERVICE_HEAP = 2;

    static final int HELLO = 1;
    static final int ANSWERS = 2;
    static final int AGENT_HEARTBEAT = 3;
    static final int AGENT_BYE = 4;
    static final int WELCOME = 11;
    static final int ITEMS = 12;
    static final int COORDINATOR_HEARTBEAT = 13;
    static final int COORDINATOR_BYE = 14;
    static final int REFUSE = 15;

    static final int TYPE_OFFSET = 0;
    static final int HOST_OFFSET = TYPE_OFFSET + Integer.BYTES;
    static final int HEADER_LENGTH = HOST_OFFSET + Integer.BYTES;

    static final int HELLO_INCARNATION_OFFSET = HEADER_LENGTH;
    static final int HELLO_SERVICE_OFFSET = HELLO_INCARNATION_OFFSET + Long.BYTES;
    static final int HELLO_WORKERS_OFFSET = HELLO_SERVICE_OFFSET + Integer.BYTES;
    static final int HELLO_THREADS_OFFSET = HELLO_WORKERS_OFFSET + Integer.BYTES;
    static final int HELLO_ENDPOINT_OFFSET = HELLO_THREADS_OFFSET + Integer.BYTES;

    static final int WELCOME_INCARNATION_OFFSET = HEADER_LENGTH;
    static final int WELCOME_WINDOW_OFFSET = WELCOME_INCARNATION_OFFSET + Long.BYTES;
    static final int WELCOME_MAX_FRAME_OFFSET = WELCOME_WINDOW_OFFSET + Integer.BYTES;
    static final int WELCOME_TIMEOUT_OFFSET = WELCOME_MAX_FRAME_OFFSET + Integer.BYTES;
    static final int WELCOME_HEARTBEAT_OFFSET = WELCOME_TIMEOUT_OFFSET + Long.BYTES;
    static final int WELCOME_LENGTH = WELCOME_HEARTBEAT_OFFSET + Long.BYTES;

    /** An agent's BYE: the optional reason, when the message is longer than its header. */
    static final int BYE_REASON_OFFSET = HEADER_LENGTH;

    static final int REFUSE_INCARNATION_OFFSET = HEADER_LENGTH;
    static final int REFUSE_REASON_OFFSET = REFUSE_INCARNATION_OFFSET + Long.BYTES;

    /** ITEMS and ANSWERS: items in the message. */
    static final int COUNT_OFFSET = HEADER_LENGTH;
    static final int ITEMS_OFFSET = COUNT_OFFSET + Integer.BYTES;
    /** ITEMS, per item: seq, attempt, length. */
    static final int ITEM_HEADER_LENGTH = Long.BYTES + 2 * Integer.BYTES;
    /** ANSWERS, per item: seq, job count, length. */
    static final int ANSWER_HEADER_LENGTH = Long.BYTES + 2 * Integer.BYTES;
    /** A pool's answer, per job: status, length. */
    static final int JOB_OUTCOME_HEADER_LENGTH = 2 * Integer.BYTES;

    /** A heap item: key, deliveries, then the payload. */
    static final int RECORD_KEY_OFFSET = 0;
    static final int RECORD_DELIVERIES_OFFSET = RECORD_KEY_OFFSET + Long.BYTES;
    static final int RECORD_PAYLOAD_OFFSET = RECORD_DELIVERIES_OFFSET + Integer.BYTES;
    /** A heap answer: action, new key. */
    static final int RECORD_ACTION_OFFSET = 0;
    static final int RECORD_NEW_KEY_OFFSET = RECORD_ACTION_OFFSET + Integer.BYTES;
    static final int RECORD_ANSWER_LENGTH = RECORD_NEW_KEY_OFFSET + Long.BYTES;
    static final int ACTION_RESCHEDULE = 1;
    static final int ACTION_COMPLETE = 2;

    static final int STATUS_OK = 0;
    static final int STATUS_THREW = 1;
    static final int STATUS_FAILED = 2;

    /** Bytes of items packed into one ITEMS message, and of answers into one ANSWERS message, before it is sent. */
    static final int BATCH_BYTES = 60 * 1024;

    private WireDescriptor()
    {
    }
}
