package dev.shoal.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags a Shoal child JVM gets, read from the argument files the jars carry. Their one source is
 * {@code config/jvm/} in the project; each module's jar holds its part under {@code META-INF/shoal/}:
 * <ul>
 *     <li>{@code core.args} (shoal-core): what every JVM that opens a region needs, Agrona's one flag;</li>
 *     <li>{@code journal.args} (shoal-journal): Chronicle Queue's flags and its no-phone-home properties, present
 *     only when the journal is on the class path, so only JVMs that can journal get them;</li>
 *     <li>{@code journal-jdk24.args} (shoal-journal): added on JDK 24 and newer only.</li>
 * </ul>
 * The files are in the {@code java @file} format: one or more arguments per line, {@code #} starts a comment.
 */
public final class JvmFlags
{
    /** Where the jars keep their argument files. */
    public static final String RESOURCE_DIR = "META-INF/shoal/";

    private static final List<String> REQUIRED = load();

    private JvmFlags()
    {
    }

    /**
     * @return every flag a Shoal child JVM gets, for a child running this JVM's {@code java} binary and class path.
     */
    public static List<String> required()
    {
        return REQUIRED;
    }

    private static List<String> load()
    {
        final List<String> flags = new ArrayList<>(read("core.args"));
        flags.addAll(read("journal.args"));
        if (Runtime.version().feature() >= 24)
        {
            flags.addAll(read("journal-jdk24.args"));
        }
        return List.copyOf(flags);
    }

    /**
     * @param file an argument file name under {@link #RESOURCE_DIR}.
     * @return its arguments, or none when no jar on the class path carries it.
     */
    static List<String> read(final String file)
    {
        try (InputStream in = JvmFlags.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + file))
        {
            return in == null ? List.of() : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + RESOURCE_DIR + file + " from the class path", ex);
        }
    }

    /**
     * Splits an argument file the way the {@code java} launcher does for these files: whitespace separates
     * arguments, {@code #} comments out the rest of its line (quotes are not used in Shoal's files).
     *
     * @param text the file's text.
     * @return its arguments in order.
     */
    public static List<String> parse(final String text)
    {
        final List<String> args = new ArrayList<>();
        for (final String line : text.split("\n"))
        {
            final int hash = line.indexOf('#');
            final String body = (hash < 0 ? line : line.substring(0, hash)).trim();
            if (!body.isEmpty())
            {
                args.addAll(List.of(body.split("\\s+")));
            }
        }
        return args;
    }
}
