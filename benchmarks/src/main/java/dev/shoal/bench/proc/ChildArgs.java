package dev.shoal.bench.proc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code key=value} parameters a child JVM gets on its command line, plus its slot and the case's
 * directory (where shared files live).
 */
public final class ChildArgs
{
    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * @return an empty set.
     */
    public static ChildArgs create()
    {
        return new ChildArgs();
    }

    /**
     * @param args {@code key=value} strings.
     * @return the parsed set.
     */
    public static ChildArgs parse(final List<String> args)
    {
        final ChildArgs parsed = new ChildArgs();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq <= 0)
            {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            parsed.values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return parsed;
    }

    /**
     * @param key   name.
     * @param value value, turned into a string.
     * @return this.
     */
    public ChildArgs put(final String key, final Object value)
    {
        values.put(key, String.valueOf(value));
        return this;
    }

    /**
     * @return a copy of this set.
     */
    public ChildArgs copy()
    {
        final ChildArgs copy = new ChildArgs();
        copy.values.putAll(values);
        return copy;
    }

    /**
     * @param key name.
     * @return its value.
     * @throws IllegalArgumentException when missing.
     */
    public String get(final String key)
    {
        final String value = values.get(key);
        if (value == null)
        {
            throw new IllegalArgumentException("missing child argument " + key + " in " + values);
        }
        return value;
    }

    /**
     * @param key name.
     * @return its value as a long.
     */
    public long getLong(final String key)
    {
        return Long.parseLong(get(key));
    }

    /**
     * @param key name.
     * @return its value as an int.
     */
    public int getInt(final String key)
    {
        return Integer.parseInt(get(key));
    }

    /**
     * @param key name.
     * @return its value as a path.
     */
    public Path getPath(final String key)
    {
        return Path.of(get(key));
    }

    /**
     * @return the child's slot in the control file.
     */
    public int slot()
    {
        return getInt("slot");
    }

    /**
     * @return the case's directory.
     */
    public Path dir()
    {
        return getPath("dir");
    }

    /**
     * @return the arguments as {@code key=value} strings.
     */
    public List<String> toArgs()
    {
        final List<String> list = new ArrayList<>();
        values.forEach((k, v) -> list.add(k + "=" + v));
        return list;
    }

    @Override
    public String toString()
    {
        return values.toString();
    }
}
