package dev.shoal.core;

import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * What the Lincheck tests share: the model-checking options that work with Agrona, and the region of the test
 * running now, a file in {@code /dev/shm/shoal} with a name unique to the test and the JVM.
 *
 * <h2>Model checking over a mapped file</h2>
 * Lincheck 3.7's model checker instruments the bytecode it runs and places its thread-switch points at the
 * shared-memory accesses it recognises: fields, array elements, atomics, VarHandles and Unsafe calls on heap
 * objects. Two things go wrong when it analyses Agrona 2.3 itself: it cannot re-transform the generated
 * {@code org.agrona.UnsafeApi} (a {@link VerifyError}, logged and skipped), and it fails the run with "Wow! You've
 * caught a bug in Lincheck" ({@code NoSuchFieldException: AbstractMutableDirectBuffer does not have field
 * SHOULD_BOUNDS_CHECK}: the constant is inherited from the {@code DirectBuffer} interface and Lincheck looks
 * for a static field's declaring class among superclasses only). Even without those, an access to the mapped
 * file is an Unsafe call with a null base object and a raw address, which its memory model does not track.
 *
 * <p>{@link #modelChecking()} therefore declares every method of {@code org.agrona.*} atomic: Lincheck does not
 * look inside, and each call into the buffer ({@code getLongVolatile}, {@code compareAndSetLong},
 * {@code putLongRelease}, a plain {@code putBytes}...) is one indivisible step with a possible switch before and
 * after it. Every shared word of the ring and the heap lives in the region and is reached only through the
 * buffer, so the switch points fall exactly between the protocols' shared-memory steps (seen in the traces
 * Lincheck prints, and proved by {@code JobRingLincheckTest}, whose model-checking run must find the documented
 * claim-order window). What this cannot show: torn multi-byte copies, and reorderings allowed by the Java memory
 * model (the checker runs the steps sequentially consistent; jcstress covers orderings in {@code stress/}).
 *
 * <p>Lincheck makes a new instance of the class under test for every invocation, on its runner thread, after
 * the previous invocation's threads have finished. Each instance calls {@link #next()}: the previous mapping is
 * closed, its file deleted, and the same name created again from the spec, so every invocation starts from a
 * freshly initialised structure and at most one mapping is alive. {@link #finish()} removes the last one.
 *
 * <p>Static because Lincheck instantiates the class under test itself (public no-argument constructor); one
 * test at a time uses it (surefire runs the test classes of a module one after the other).
 */
final class LincheckSupport
{
    /**
     * How many times {@code mvn verify}'s scenario count the {@code -Psoak} runs check (verify keeps its share of
     * the 6-minute budget; CI's soak leg runs the rest).
     */
    static final int SOAK_SCALE = 4;

    private static String name;
    private static RegionSpec spec;
    private static Region current;
    private static long created;

    private LincheckSupport()
    {
    }

    /**
     * @return model-checking options that treat every Agrona call as one atomic, switchable step.
     */
    static ModelCheckingOptions modelChecking()
    {
        return new ModelCheckingOptions()
            .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(name -> name.startsWith("org.agrona."))
                .allMethods().treatAsAtomic());
    }

    /**
     * Starts a test: later {@link #next()} calls create regions of this spec.
     *
     * @param test a short name of the test, part of the file name.
     * @param regionSpec the layout of every invocation's region.
     */
    static synchronized void start(final String test, final RegionSpec regionSpec)
    {
        finish();
        name = "lincheck-" + test + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        spec = regionSpec;
        created = 0;
    }

    /**
     * @return a fresh region for the next invocation; the previous one is closed and deleted.
     */
    static synchronized Region next()
    {
        if (spec == null)
        {
            throw new IllegalStateException("LincheckSupport.start(...) was not called");
        }
        closeCurrent();
        current = Region.create(name, spec);
        created++;
        return current;
    }

    /**
     * @return regions created since {@link #start}: one per invocation.
     */
    static synchronized long created()
    {
        return created;
    }

    /**
     * Closes and deletes the last region. Idempotent.
     */
    static synchronized void finish()
    {
        closeCurrent();
        spec = null;
    }

    private static void closeCurrent()
    {
        if (current != null)
        {
            current.close();
            current = null;
        }
        if (name != null)
        {
            Region.delete(name);
        }
    }
}
