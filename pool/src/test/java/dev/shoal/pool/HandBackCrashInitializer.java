package dev.shoal.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.shoal.core.CrashPoint;
import dev.shoal.core.CrashPoints;
import dev.shoal.core.RingCrashPoint;

/**
 * Runs in the worker JVMs of {@code HandBackCrashTest} (started with {@code -Dshoal.test.crashpoints=true}), one
 * role per JVM, taken in turn by creating a marker file in {@code shoal.test.handBackDir}:
 * <ol>
 *   <li>the first worker runs both jobs of {@link HandBackHandlers#PAIR} at once and halts, so both come back as
 *       suspects;</li>
 *   <li>the second holds both leases before either runs (a barrier at each thread's first take of a redelivered
 *       job), so one thread runs its job alone and the other hands its frame back; from the hand-back's first
 *       point to the release of its lease, it counts every crash point the two threads involved reach (the
 *       consumer and the hand-back thread) and halts at the {@code shoal.test.handBackHaltAt}-th (0: none); it
 *       writes the points it counted to {@code sequence};</li>
 *   <li>later workers run free.</li>
 * </ol>
 */
public final class HandBackCrashInitializer implements WorkerInitializer
{
    /** What this JVM does. */
    enum Role
    {
        FIRST, HALTER, FREE
    }

    private static volatile Role role = Role.FREE;
    private static final CountDownLatch HAND_BACK_ENDED = new CountDownLatch(1);
    private static final CountDownLatch BOTH_LEASED = new CountDownLatch(2);

    @Override
    public void initialize(final int workerId) throws IOException
    {
        final Path dir = Path.of(System.getProperty("shoal.test.handBackDir"));
        if (ResultCrashInitializer.takeRole(dir.resolve("first")))
        {
            role = Role.FIRST;
        }
        else if (ResultCrashInitializer.takeRole(dir.resolve("halter")))
        {
            role = Role.HALTER;
            CrashPoints.install(new Counter(dir, Long.getLong("shoal.test.handBackHaltAt", 0)));
        }
    }

    static Role role()
    {
        return role;
    }

    /**
     * In the halter, the job that runs alone waits here until the other thread's hand-back ended (or 30 s).
     */
    static void awaitHandBackEnd() throws InterruptedException
    {
        HAND_BACK_ENDED.await(30, TimeUnit.SECONDS);
    }

    private static final class Counter implements CrashPoints.Hook
    {
        private final Path dir;
        private final long haltAt;
        private final List<String> sequence = new ArrayList<>();
        private final Set<String> takers = new HashSet<>();
        private String handingBack;
        private boolean ended;

        Counter(final Path dir, final long haltAt)
        {
            this.dir = dir;
            this.haltAt = haltAt;
        }

        @Override
        public void reached(final CrashPoint point)
        {
            final String thread = Thread.currentThread().getName();
            if (point == RingCrashPoint.RECOVER_TAKE_PENDING && firstTake(thread))
            {
                // Each consumer thread's first take of a redelivered job waits for the other's: both hold a suspect
                // before either runs one, so one runs alone and the other hands its frame back.
                BOTH_LEASED.countDown();
                await(BOTH_LEASED);
            }
            synchronized (this)
            {
                if (ended)
                {
                    return;
                }
                if (handingBack == null && point == WorkerCrashPoint.HAND_BACK_OFFER)
                {
                    handingBack = thread;
                }
                if (handingBack == null || !(thread.equals(handingBack) || thread.endsWith("-hand-back")))
                {
                    return;
                }
                sequence.add(point.toString());
                if (sequence.size() == haltAt)
                {
                    Runtime.getRuntime().halt(137);
                }
                if (point == RingCrashPoint.DONE_CLEAR && thread.equals(handingBack))
                {
                    ended = true;
                    write("sequence", String.join("\n", sequence));
                    HAND_BACK_ENDED.countDown();
                }
            }
        }

        private synchronized boolean firstTake(final String thread)
        {
            return takers.add(thread);
        }

        private void write(final String name, final String text)
        {
            try
            {
                Files.writeString(dir.resolve(name), text);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        private static void await(final CountDownLatch latch)
        {
            try
            {
                latch.await(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
