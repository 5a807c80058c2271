package dev.shoal.pool;

/**
 * Layout of the messages workers send back through the pool's Agrona {@code ManyToOneRingBuffer}. The ring
 * buffer's message type id says which frame follows.
 *
 * <pre>
 * RESULTS (type 1): the outcome of one job or one batch
 *  +---------------------------------------------------------------+  0
 *  |                    first job id (long)                        |
 *  +---------------------------------------------------------------+  8
 *  |        worker id (int)        |        attempt (int)          |
 *  +---------------------------------------------------------------+ 16
 *  |        count (int)            |  per job: status (int) ...    |
 *  +---------------------------------------------------------------+
 *  per job: status (int: 0 ok, 1 handler threw, 2 failed), length (int), bytes
 *           ok: the result bytes; threw: class, message and stack as three (int length, UTF-8) strings;
 *           failed: one (int length, UTF-8) reason
 *
 * LOG (type 2): a log line from a handler
 *  +---------------------------------------------------------------+  0
 *  |                        job id (long)                          |
 *  +---------------------------------------------------------------+  8
 *  |        worker id (int)        |  line, UTF-8 (rest of message)|
 *  +---------------------------------------------------------------+
 *
 * READY (type 3): a worker loaded its handlers and is taking jobs
 *  |        worker id (int)        |          reserved             |
 *  |                           pid (long)                          |
 * </pre>
 */
final class ResultFrameDescriptor
{
    static final int TYPE_RESULTS = 1;
    static final int TYPE_LOG = 2;
    static final int TYPE_READY = 3;

    static final int STATUS_OK = 0;
    static final int STATUS_THREW = 1;
    static final int STATUS_FAILED = 2;

    static final int JOB_ID_OFFSET = 0;
    static final int WORKER_OFFSET = JOB_ID_OFFSET + Long.BYTES;
    static final int ATTEMPT_OFFSET = WORKER_OFFSET + Integer.BYTES;
    static final int COUNT_OFFSET = ATTEMPT_OFFSET + Integer.BYTES;
    static final int ITEMS_OFFSET = COUNT_OFFSET + Integer.BYTES;

    static final int LOG_JOB_ID_OFFSET = 0;
    static final int LOG_WORKER_OFFSET = LOG_JOB_ID_OFFSET + Long.BYTES;
    static final int LOG_TEXT_OFFSET = LOG_WORKER_OFFSET + Integer.BYTES;

    static final int READY_WORKER_OFFSET = 0;
    static final int READY_PID_OFFSET = READY_WORKER_OFFSET + Long.BYTES;
    static final int READY_LENGTH = READY_PID_OFFSET + Long.BYTES;

    private ResultFrameDescriptor()
    {
    }
}
