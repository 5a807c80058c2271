package dev.shoal.remote;

import java.nio.ByteOrder;

/**
 * Layout of the messages between a coordinator (a listening pool) and its agents, one Aeron message each, all
 * integers little-endian. Agents send on {@link #TO_COORDINATOR_STREAM} to the coordinator's endpoint; the
 * coordinator answers each agent on {@link #TO_AGENT_STREAM} at the endpoint the agent named in its HELLO.
 *
 * <pre>
 * every message starts with
 *  +---------------------------------------------------------------+  0
 *  |        type (int)             |  host id (int, 0 before WELCOME)
 *  +---------------------------------------------------------------+  8
 *
 * HELLO (agent, type 1): incarnation (long: random per agent session), workers (int), threads (int),
 *                        reply endpoint (int length, UTF-8 "HOST:PORT"), name (int length, UTF-8)
 * WELCOME (coordinator, type 11): incarnation (long, the HELLO's), window (int, frames), max frame bytes (int),
 *                        host timeout (long, ms), heartbeat interval (long, ms)
 * JOBS (coordinator, type 12): count (int), then per frame:
 *                        seq (long), attempt (int), length (int), the pool's job frame (length bytes)
 * RESULTS (agent, type 2): count (int), then per frame:
 *                        seq (long), job count (int), items length (int), items (items length bytes)
 *                        items, per job: status (int: 0 ok, 1 threw, 2 failed), length (int), bytes;
 *                        ok: the result; threw: class, message, stack as three (int length, UTF-8) strings;
 *                        failed: one (int length, UTF-8) reason
 * HEARTBEAT (either, type 3 from an agent, 13 from the coordinator): nothing more
 * BYE (either, type 4 from an agent, 14 from the coordinator): nothing more; the sender is leaving
 * </pre>
 *
 * A seq names one delivery of one frame to one host: a frame sent again after its host was given up gets a new
 * seq, so a late answer to the old one finds nothing and is dropped.
 */
final class WireDescriptor
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    static final int TO_COORDINATOR_STREAM = 7301;
    static final int TO_AGENT_STREAM = 7302;

    static final int HELLO = 1;
    static final int RESULTS = 2;
    static final int AGENT_HEARTBEAT = 3;
    static final int AGENT_BYE = 4;
    static final int WELCOME = 11;
    static final int JOBS = 12;
    static final int COORDINATOR_HEARTBEAT = 13;
    static final int COORDINATOR_BYE = 14;

    static final int TYPE_OFFSET = 0;
    static final int HOST_OFFSET = TYPE_OFFSET + Integer.BYTES;
    static final int HEADER_LENGTH = HOST_OFFSET + Integer.BYTES;

    static final int HELLO_INCARNATION_OFFSET = HEADER_LENGTH;
    static final int HELLO_WORKERS_OFFSET = HELLO_INCARNATION_OFFSET + Long.BYTES;
    static final int HELLO_THREADS_OFFSET = HELLO_WORKERS_OFFSET + Integer.BYTES;
    static final int HELLO_ENDPOINT_OFFSET = HELLO_THREADS_OFFSET + Integer.BYTES;

    static final int WELCOME_INCARNATION_OFFSET = HEADER_LENGTH;
    static final int WELCOME_WINDOW_OFFSET = WELCOME_INCARNATION_OFFSET + Long.BYTES;
    static final int WELCOME_MAX_FRAME_OFFSET = WELCOME_WINDOW_OFFSET + Integer.BYTES;
    static final int WELCOME_TIMEOUT_OFFSET = WELCOME_MAX_FRAME_OFFSET + Integer.BYTES;
    static final int WELCOME_HEARTBEAT_OFFSET = WELCOME_TIMEOUT_OFFSET + Long.BYTES;
    static final int WELCOME_LENGTH = WELCOME_HEARTBEAT_OFFSET + Long.BYTES;

    /** JOBS and RESULTS: frames in the message. */
    static final int COUNT_OFFSET = HEADER_LENGTH;
    static final int FRAMES_OFFSET = COUNT_OFFSET + Integer.BYTES;
    /** JOBS, per frame: seq, attempt, length. */
    static final int JOB_HEADER_LENGTH = Long.BYTES + 2 * Integer.BYTES;
    /** RESULTS, per frame: seq, job count, items length. */
    static final int RESULT_HEADER_LENGTH = Long.BYTES + 2 * Integer.BYTES;
    /** RESULTS, per job: status, length. */
    static final int ITEM_HEADER_LENGTH = 2 * Integer.BYTES;

    static final int STATUS_OK = 0;
    static final int STATUS_THREW = 1;
    static final int STATUS_FAILED = 2;

    /** Bytes of job frames packed into one JOBS message, and of items into one RESULTS message, before it is sent. */
    static final int BATCH_BYTES = 60 * 1024;

    private WireDescriptor()
    {
    }
}
