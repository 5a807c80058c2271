package dev.shoal.pool.spi;

import java.time.Duration;
import java.util.function.Consumer;

import org.agrona.DirectBuffer;

/**
 * What a pool gives its remote side: the job frames waiting in its ring, a way to put one back, and its result
 * path. Used by one thread, the remote side's own (the pool's submitters and result reader run elsewhere).
 *
 * <p>A job frame is the pool's unit of work in its ring (one job, or a batch of arguments for one handler); its
 * bytes are opaque here and travel as they are. The remote side leases each frame it takes to one host, and when
 * the host is given up it sends the frame again or, past {@link #maxAttempts()}, fails its jobs.
 */
public interface RemoteGateway
{
    /**
     * Receives job frames taken from the pool's ring.
     */
    @FunctionalInterface
    interface FrameHandler
    {
        /**
         * @param firstJobId id of the frame's first job (the others follow it: a batch's ids are consecutive).
         * @param jobCount   jobs in the frame.
         * @param attempt    deliveries so far, this one included (1 the first time).
         * @param buffer     holds the frame; valid only during the call: copy what is kept.
         * @param offset     where the frame starts.
         * @param length     its length.
         */
        void onFrame(long firstJobId, int jobCount, int attempt, DirectBuffer buffer, int offset, int length);
    }

    /**
     * Writes results into the pool's result path, as a worker would: the pool completes their futures (once: a
     * job already answered drops a second result) and journals them.
     */
    interface ResultSink
    {
        /**
         * Starts a run of results for consecutive jobs.
         *
         * @param firstJobId the first job.
         * @param attempt    the delivery that produced them.
         */
        void begin(long firstJobId, int attempt);

        /**
         * @param result the next job's result bytes.
         */
        void ok(byte[] result);

        /**
         * @param exceptionClass the class of what the handler threw.
         * @param message        its message ("" when none).
         * @param stack          its stack trace as text.
         */
        void threw(String exceptionClass, String message, String stack);

        /**
         * @param reason why the next job failed without its handler throwing.
         */
        void failed(String reason);

        /**
         * Hands the run over to the pool (waits while its result buffer is full).
         */
        void flush();
    }

    /**
     * @return the endpoint to listen on, as given to the pool's {@code listen}: {@code HOST:PORT}.
     */
    String endpoint();

    /**
     * @return job frames one host may hold unanswered at once (its credit window).
     */
    int window();

    /**
     * @return how long a host may stay silent before it is given up and its jobs sent elsewhere.
     */
    Duration hostTimeout();

    /**
     * @return deliveries a job gets before it fails (the pool's {@code maxAttempts}).
     */
    int maxAttempts();

    /**
     * @return the largest job frame, in bytes (the pool's {@code maxJobBytes}).
     */
    int maxFrameBytes();

    /**
     * @return whether the pool has local workers too (a frame with no host to go to can go back to them).
     */
    boolean hasLocalWorkers();

    /**
     * @return where the pool's log lines go.
     */
    Consumer<String> log();

    /**
     * Takes up to {@code limit} frames from the pool's ring without waiting. Each is the remote side's from the
     * moment its handler call returns: the ring forgets it.
     *
     * @param handler receives each frame.
     * @param limit   most frames to take.
     * @return frames taken.
     */
    int takeFrames(FrameHandler handler, int limit);

    /**
     * Puts a frame back into the pool's ring, for local workers or a later take. The frame keeps the deliveries it
     * had: the next one, local or remote, is {@code deliveries + 1}, so {@link #maxAttempts()} bounds a job across
     * hosts and local workers together.
     *
     * @param frame      the frame, as taken (its header is updated in place with the count).
     * @param deliveries deliveries the frame had so far (the attempt of the last one).
     * @return false when the ring is full now.
     */
    boolean requeue(byte[] frame, int deliveries);

    /**
     * The remote side stopped on an error of its own (its thread failed: a bug, not a host's failure). The frames it
     * held will not be answered, so the pool is marked broken: every pending job fails with the reason and new jobs
     * are refused, instead of callers waiting for results that cannot come.
     *
     * @param reason what stopped it.
     */
    void stopped(String reason);

    /**
     * @param workerId the worker id the results are reported under (journal, statistics).
     * @return a sink for results, for the calling thread only.
     */
    ResultSink resultSink(int workerId);
}
