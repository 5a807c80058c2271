package dev.shoal.ipc.pool;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.shoal.ipc.Codecs;

/**
 * Handlers for the pool tests.
 */
public final class TestHandlers implements HandlerRegistry
{
    @Override
    public void register(final Handlers h)
    {
        h.add("square", Codecs.LONG, Codecs.LONG, x -> x * x);
        h.add("echo", (arg, ctx) -> arg);
        h.add("fail", (arg, ctx) ->
        {
            throw new IllegalStateException("boom " + new String(arg, StandardCharsets.UTF_8));
        });
        h.add("halt", (arg, ctx) ->
        {
            Runtime.getRuntime().halt(9);
            return arg;
        });
        h.add("haltFirstAttempt", (arg, ctx) ->
        {
            if (ctx.attempt() == 1)
            {
                Runtime.getRuntime().halt(9);
            }
            return Codecs.LONG.encode((long)ctx.attempt());
        });
        h.add("spin", Codecs.LONG, Codecs.LONG, micros ->
        {
            final long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
            while (System.nanoTime() < end)
            {
                Thread.onSpinWait();
            }
            return micros;
        });
        h.add("park", Codecs.LONG, Codecs.LONG, millis ->
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
            return millis;
        });
        h.add("log", (arg, ctx) ->
        {
            ctx.log("hello from job " + ctx.jobId());
            System.out.println("stdout line of job " + ctx.jobId());
            return arg;
        });
        h.add("pid", (arg, ctx) -> Codecs.LONG.encode(ProcessHandle.current().pid()));
    }
}
