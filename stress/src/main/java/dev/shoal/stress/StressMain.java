package dev.shoal.stress;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The uber-jar's entry point: {@code org.openjdk.jcstress.Main} with the JVM flags Shoal's core needs (Agrona
 * reaches {@code jdk.internal.misc.Unsafe}) added for jcstress's forked VMs, which the jar manifest does not
 * reach. The flags come from the shoal-core jar's {@code META-INF/shoal/core.args} (their one source is
 * {@code config/jvm/core.args}). When the command line already has {@code -jvmArgs} or {@code -jvmArgsPrepend}, it
 * is passed on as is (then include the flags yourself).
 */
public final class StressMain
{
    /** What every VM that maps a region needs, as one string of arguments (read from the core jar). */
    public static final String CORE_FLAGS = coreFlags();

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
            options.add(CORE_FLAGS);
        }
        org.openjdk.jcstress.Main.main(options.toArray(new String[0]));
    }

    private static String coreFlags()
    {
        try (InputStream in = StressMain.class.getClassLoader().getResourceAsStream("META-INF/shoal/core.args"))
        {
            if (in == null)
            {
                throw new IllegalStateException("META-INF/shoal/core.args is not on the class path (shoal-core jar)");
            }
            final List<String> args = new ArrayList<>();
            for (final String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
            {
                final String body = line.replaceFirst("#.*", "").trim();
                if (!body.isEmpty())
                {
                    args.add(body);
                }
            }
            return String.join(" ", args);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
