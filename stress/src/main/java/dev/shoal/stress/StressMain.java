package dev.shoal.stress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The uber-jar's entry point: {@code org.openjdk.jcstress.Main} with the one JVM flag Shoal's core needs (Agrona
 * reaches {@code jdk.internal.misc.Unsafe}) added for jcstress's forked VMs, which the jar manifest does not
 * reach. When the command line already has {@code -jvmArgs} or {@code -jvmArgsPrepend}, it is passed on as is
 * (then include the flag yourself).
 */
public final class StressMain
{
    /** The flag every VM that maps a region needs. */
    public static final String AGRONA_FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private StressMain()
    {
    }

    /**
     * @param args jcstress's options ({@code -h} lists them).
     * @throws Exception whatever jcstress throws.
     */
    public static void main(final String[] args) throws Exception
    {
        final List<String> options = new ArrayList<>(Arrays.asList(args));
        if (!options.contains("-jvmArgs") && !options.contains("-jvmArgsPrepend"))
        {
            options.add("-jvmArgsPrepend");
            options.add(AGRONA_FLAG);
        }
        org.openjdk.jcstress.Main.main(options.toArray(new String[0]));
    }
}
