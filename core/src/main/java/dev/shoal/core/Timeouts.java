package dev.shoal.core;

import java.time.Duration;

/**
 * A wait's {@link Duration} in nanoseconds, for deadlines compared as {@code now - deadline > 0}.
 */
final class Timeouts
{
    private Timeouts()
    {
    }

    /**
     * @param timeout the longest wait (not null).
     * @return it in nanoseconds, at most {@link Long#MAX_VALUE}: a "wait for ever" such as
     *     {@code Duration.ofMillis(Long.MAX_VALUE)} or {@code ChronoUnit.FOREVER.getDuration()} made
     *     {@code toNanos()} throw ArithmeticException. A deadline {@code start + nanos} that wraps still compares
     *     right by difference: {@code now - deadline} stays negative for 292 years.
     */
    static long nanos(final Duration timeout)
    {
        return timeout.isNegative() ? 0 : timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE :
            timeout.toNanos();
    }
}
