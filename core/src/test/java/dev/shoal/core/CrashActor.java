package dev.shoal.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One actor of a crash exploration: a daemon thread that runs the steps it is given, one at a time, so the
 * driver decides the order of every shared write. The explorer's hook may stop it at a crash point: killed
 * (it parks for good: it never writes again, and its participants are made dead) or paused (it waits until
 * {@link #resume()}). The driver learns of each finished step, failure or stop through {@link #await}.
 */
final class CrashActor
{
    /** What a step came to. */
    enum Outcome
    {
        /** The step returned. */
        DONE,
        /** The step threw (the throwable is in {@link #failure()}). */
        FAILED,
        /** The actor stopped at a crash point (killed or paused). */
        STOPPED
    }

    /** Thrown inside a killed actor when the case is over, to end its thread without running its code on. */
    static final class Unwind extends Error
    {
        private static final long serialVersionUID = 1L;

        Unwind()
        {
            super("killed actor unwound", null, false, false);
        }
    }

    private static final ThreadLocal<CrashActor> CURRENT = new ThreadLocal<>();
    /**
     * Threads whose actor ended, waiting for the next one: starting a thread costs about 0.2 ms on this project's VM,
     * and a case starts several actors (its scripted ones, recoverers, a drainer or checker).
     */
    private static final LinkedBlockingQueue<Carrier> IDLE = new LinkedBlockingQueue<>();

    private final String name;
    private final Thread thread;
    private final LinkedBlockingQueue<Runnable> steps = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final List<Long> tokens = new ArrayList<>();
    private volatile Throwable failure;
    private volatile boolean killed;
    private volatile boolean paused;
    private volatile boolean unwind;
    private volatile boolean stopping;
    private volatile int hits;
    /** Scheduling ({@link CrashSearch}): the driver that decides at each crash point, else null. */
    private volatile Thread driver;
    /** Scheduled: stepping, neither waiting at a crash point nor done with its steps. */
    private volatile boolean running;
    private volatile CrashPoint gatedAt;
    /** Gated in a wait loop (see {@link CrashPoints#waiting}): it cannot get on until another actor writes. */
    private volatile boolean waiting;
    /** The point a scheduled actor was killed at, or null. */
    private volatile CrashPoint killedAt;
    private volatile int verdict;
    /** Counted down when this actor's loop has returned: its thread runs none of its code any more. */
    private final CountDownLatch ended = new CountDownLatch(1);
    private static final int WAIT = 0;
    private static final int GO = 1;
    private static final int KILL = 2;

    CrashActor(final String name)
    {
        this.name = name;
        Carrier carrier = IDLE.poll();
        if (carrier == null)
        {
            carrier = new Carrier();
        }
        this.thread = carrier.thread;
        carrier.next.add(this);
    }

    /** A daemon thread that runs actors one after another, each to its end (see {@link #IDLE}). */
    private static final class Carrier implements Runnable
    {
        private final Thread thread = new Thread(this, "actor");
        private final LinkedBlockingQueue<CrashActor> next = new LinkedBlockingQueue<>();

        Carrier()
        {
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run()
        {
            while (true)
            {
                final CrashActor actor;
                try
                {
                    actor = next.take();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                thread.setName("actor-" + actor.name);
                try
                {
                    actor.loop();
                }
                finally
                {
                    CURRENT.remove();
                    actor.ended.countDown();
                }
                if (Thread.interrupted())
                {
                    return; // someone meant this thread to end
                }
                thread.setName("actor");
                IDLE.add(this);
            }
        }
    }

    static CrashActor current()
    {
        return CURRENT.get();
    }

    String name()
    {
        return name;
    }

    /**
     * Records a participant token this actor's handles hold, so that killing the actor kills them.
     */
    void owns(final long token)
    {
        synchronized (tokens)
        {
            tokens.add(token);
        }
    }

    /**
     * @param token a participant this actor closed again (an attach that failed after it): a kill must not reach
     *              the entry's next owner.
     */
    void disowns(final long token)
    {
        synchronized (tokens)
        {
            tokens.remove(token);
        }
    }

    List<Long> tokens()
    {
        synchronized (tokens)
        {
            return List.copyOf(tokens);
        }
    }

    boolean isKilled()
    {
        return killed;
    }

    boolean isPaused()
    {
        return paused;
    }

    Throwable failure()
    {
        return failure;
    }

    /**
     * @return crash points this actor reached so far (on its own thread only).
     */
    int nextHit()
    {
        return ++hits;
    }

    /**
     * @return crash points reached so far (read by the driver while the actor is stopped).
     */
    int hitsSoFar()
    {
        return hits;
    }

    /**
     * Starts a step on the actor's thread.
     */
    void submit(final Runnable step)
    {
        if (killed)
        {
            throw new IllegalStateException("actor " + name + " is dead");
        }
        running = true;
        steps.add(step);
    }

    /**
     * Puts this actor under a driver's schedule: from now on it waits at each crash point of the explored
     * protocols ({@link #gate}) until the driver lets it go on or kills it there.
     *
     * @param driver the deciding thread, woken when this actor reaches a crash point or ends a step.
     */
    void schedule(final Thread driver)
    {
        this.driver = driver;
    }

    boolean isScheduled()
    {
        return driver != null;
    }

    /**
     * @return whether a scheduled actor is stepping: neither waiting at a crash point, nor done, nor killed.
     */
    boolean isRunning()
    {
        return running && !killed;
    }

    /**
     * @return the crash point a scheduled actor waits at, or null.
     */
    CrashPoint gatedAt()
    {
        return gatedAt;
    }

    /**
     * @return whether a gated actor waits in a wait loop (see {@link CrashPoints#waiting}) rather than before a write.
     */
    boolean isWaiting()
    {
        return waiting;
    }

    /**
     * @return the point the driver killed this actor at, or null.
     */
    CrashPoint killedAt()
    {
        return killedAt;
    }

    /**
     * Called by the hook on the actor's own thread: wait here, before the point's write, for the driver's
     * verdict (go on, or die here).
     *
     * @param point   the write about to happen (for a wait, the write waited for).
     * @param inWait  whether the actor is in a wait loop: going on is one more turn of it.
     */
    void gate(final CrashPoint point, final boolean inWait)
    {
        waiting = inWait;
        gatedAt = point;
        running = false;
        LockSupport.unpark(driver);
        while (verdict == WAIT)
        {
            if (unwind)
            {
                throw new Unwind();
            }
            LockSupport.park(this);
        }
        final int decided = verdict;
        verdict = WAIT;
        if (decided == KILL)
        {
            killedAt = point;
            stopHere(true);
        }
    }

    /**
     * The driver lets a gated actor perform its write and run on to its next crash point or the end of its step.
     */
    void go()
    {
        gatedAt = null;
        running = true;
        verdict = GO;
        LockSupport.unpark(thread);
    }

    /**
     * The driver kills a gated actor at its point: it never performs that write; wait for {@link #isKilled()}.
     */
    void killAtGate()
    {
        gatedAt = null;
        verdict = KILL;
        LockSupport.unpark(thread);
    }

    /**
     * Waits for what the last submitted (or resumed) step came to.
     *
     * @param timeoutMillis longest wait.
     * @return the outcome.
     * @throws AssertionError on timeout: the step is stalled.
     */
    Outcome await(final long timeoutMillis)
    {
        try
        {
            final Outcome outcome = outcomes.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            if (outcome == null)
            {
                throw new AssertionError("actor " + name + " stalled: no outcome within " + timeoutMillis + " ms\n" +
                    stackOf(thread));
            }
            return outcome;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /**
     * Runs a step and waits for it.
     */
    Outcome run(final Runnable step, final long timeoutMillis)
    {
        submit(step);
        return await(timeoutMillis);
    }

    /**
     * Called by the hook on the actor's own thread: stop here for good (killed) or until resumed (paused).
     */
    void stopHere(final boolean kill)
    {
        if (kill)
        {
            killed = true;
            outcomes.add(Outcome.STOPPED);
            while (!unwind)
            {
                LockSupport.park(this);
            }
            throw new Unwind();
        }
        paused = true;
        outcomes.add(Outcome.STOPPED);
        while (paused)
        {
            LockSupport.park(this);
        }
    }

    /**
     * Lets a paused actor go on; its step's outcome follows through {@link #await}.
     */
    void resume()
    {
        paused = false;
        LockSupport.unpark(thread);
    }

    /**
     * Ends the actor: a killed actor unwinds (call only once its region is no longer checked), an idle one stops
     * taking steps; its thread then waits for another actor to run.
     *
     * @return whether the actor's code ended on its thread (if not, it may still touch its region, which must stay
     *     mapped).
     */
    boolean stop()
    {
        stopping = true;
        unwind = true;
        paused = false;
        steps.add(() -> { });
        LockSupport.unpark(thread);
        try
        {
            ended.await(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return ended.getCount() == 0;
    }

    private void loop()
    {
        CURRENT.set(this);
        while (!stopping)
        {
            final Runnable step;
            try
            {
                step = steps.take();
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (stopping)
            {
                return;
            }
            Outcome outcome;
            try
            {
                step.run();
                outcome = Outcome.DONE;
            }
            catch (final Unwind ex)
            {
                return;
            }
            catch (final Throwable ex)
            {
                failure = ex;
                outcome = Outcome.FAILED;
            }
            running = false; // before the outcome: a driver that reads it may submit the next step at once
            outcomes.add(outcome);
            final Thread waiting = driver;
            if (waiting != null)
            {
                LockSupport.unpark(waiting);
            }
        }
    }

    private static String stackOf(final Thread thread)
    {
        final StringBuilder text = new StringBuilder();
        for (final StackTraceElement element : thread.getStackTrace())
        {
            text.append("    at ").append(element).append('\n');
        }
        return text.toString();
    }

    @Override
    public String toString()
    {
        return name;
    }
}
