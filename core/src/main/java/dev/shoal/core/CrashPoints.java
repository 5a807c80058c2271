package dev.shoal.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Named crash points: every write or CAS to shared memory in a protocol of this package is preceded by
 * {@code CrashPoints.at(POINT)}. A test installs a {@link Hook} that may stop the calling actor there: kill it
 * (the write never happens, and the actor never runs again), or pause it (it has done every read that the
 * write depends on, and holds still while the others run and recover), then resume it.
 *
 * <p>The switch is {@link #ENABLED}, a {@code static final} read once from the system property
 * {@code shoal.test.crashpoints}: in production it is false, the JIT folds every {@code at} call away and the
 * protocols pay nothing. Only JVMs started with {@code -Dshoal.test.crashpoints=true} can install a hook.
 *
 * <p>A point is named for the write it precedes, so stopping there leaves exactly the state that a process
 * killed by SIGKILL just before that instruction leaves. Stopping after the last write of an operation is the
 * same state as stopping before the first write of the next one, so "before every write" covers every state.
 * {@link #all()} lists every point of every protocol; the explorer fails when one of them is never reached.
 */
public final class CrashPoints
{
    /** Whether crash points are live in this JVM (read once; false in production). */
    public static final boolean ENABLED = Boolean.getBoolean("shoal.test.crashpoints");

    private static volatile Hook hook;

    /**
     * What a test does when an actor reaches a point.
     */
    @FunctionalInterface
    public interface Hook
    {
        /**
         * Called on the actor's thread just before the write the point names. May block (pause), park the
         * thread forever (death of an in-process actor), halt the JVM (death of a child process) or return.
         *
         * @param point the point reached.
         */
        void reached(CrashPoint point);

        /**
         * Called on a waiting actor's thread each time round its wait loop: it spins until another actor (the
         * holder of a lock) writes, and will make the write {@code next} names once it may. A test that lets
         * one actor move at a time parks the waiter here, so that the actor it waits for can run.
         *
         * @param next the write the waiter waits to make.
         */
        default void waiting(final CrashPoint next)
        {
        }
    }

    private CrashPoints()
    {
    }

    /**
     * Installs the hook for every thread of this JVM.
     *
     * @param newHook what to do at each point; {@code null} removes it.
     * @throws IllegalStateException when the JVM was not started with {@code -Dshoal.test.crashpoints=true}.
     */
    public static void install(final Hook newHook)
    {
        if (!ENABLED && newHook != null)
        {
            throw new IllegalStateException("crash points are off: start the JVM with -Dshoal.test.crashpoints=true");
        }
        hook = newHook;
    }

    /**
     * Installs a hook that halts this JVM, as a SIGKILL would stop it, the {@code nth} time (counted over every
     * thread, from 1) any of {@code points} is reached: just before that write. For child processes of tests and
     * for chaos demos, which name the instruction to die at instead of a time to be killed at.
     *
     * @param nth    which arrival halts (1 = the first).
     * @param status the JVM's exit status.
     * @param points the points counted.
     * @throws IllegalStateException when the JVM was not started with {@code -Dshoal.test.crashpoints=true}.
     */
    public static void haltAt(final long nth, final int status, final CrashPoint... points)
    {
        if (nth < 1)
        {
            throw new IllegalArgumentException("nth must be >= 1: nth=" + nth);
        }
        final List<CrashPoint> counted = List.of(points);
        final java.util.concurrent.atomic.AtomicLong arrivals = new java.util.concurrent.atomic.AtomicLong();
        install(point ->
        {
            if (counted.contains(point) && arrivals.incrementAndGet() == nth)
            {
                Runtime.getRuntime().halt(status);
            }
        });
    }

    /**
     * @return every crash point of every protocol, in declaration order.
     */
    public static List<CrashPoint> all()
    {
        final List<CrashPoint> points = new ArrayList<>();
        points.addAll(List.of(RingCrashPoint.values()));
        points.addAll(List.of(HeapCrashPoint.values()));
        points.addAll(List.of(ParticipantCrashPoint.values()));
        points.addAll(List.of(RegionCrashPoint.values()));
        return points;
    }

    /**
     * Marks one turn of a wait loop (no write follows, so the state is the previous point's): the caller spins
     * until another actor writes. Free when {@link #ENABLED} is false. See {@link Hook#waiting}.
     *
     * @param next the write the caller waits to make.
     */
    public static void waiting(final CrashPoint next)
    {
        if (ENABLED)
        {
            final Hook current = hook;
            if (current != null)
            {
                current.waiting(next);
            }
        }
    }

    /**
     * Marks the write that follows as a crash point. Free when {@link #ENABLED} is false. Public so that protocols
     * built on core in other modules (the pool's result buffers) name their writes the same way; {@link #all()}
     * lists core's.
     *
     * @param point the write about to happen.
     */
    public static void at(final CrashPoint point)
    {
        if (ENABLED)
        {
            final Hook current = hook;
            if (current != null)
            {
                current.reached(point);
            }
        }
    }
}
