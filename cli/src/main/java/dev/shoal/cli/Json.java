package dev.shoal.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small JSON writer for the CLI's machine output: objects keep insertion order; values may be strings,
 * numbers, booleans, null, nested {@link Json} objects, maps, collections or long arrays.
 */
public final class Json
{
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Json()
    {
    }

    /**
     * @return an empty object.
     */
    public static Json object()
    {
        return new Json();
    }

    /**
     * @param key   field name.
     * @param value field value.
     * @return this.
     */
    public Json put(final String key, final Object value)
    {
        fields.put(key, value);
        return this;
    }

    /**
     * @return the fields, in insertion order.
     */
    public Map<String, Object> fields()
    {
        return fields;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        write(sb, this);
        return sb.toString();
    }

    /**
     * JSON text written verbatim, for embedding another command's output.
     *
     * @param json valid JSON text.
     */
    public record Raw(String json)
    {
    }

    /**
     * @param value any supported value.
     * @return its JSON text.
     */
    public static String toJson(final Object value)
    {
        final StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(final StringBuilder sb, final Object value)
    {
        if (value == null)
        {
            sb.append("null");
        }
        else if (value instanceof Raw raw)
        {
            sb.append(raw.json().strip());
        }
        else if (value instanceof Json json)
        {
            writeMap(sb, json.fields);
        }
        else if (value instanceof Map<?, ?> map)
        {
            writeMap(sb, map);
        }
        else if (value instanceof Collection<?> list)
        {
            sb.append('[');
            boolean first = true;
            for (final Object o : list)
            {
                sb.append(first ? "" : ",");
                first = false;
                write(sb, o);
            }
            sb.append(']');
        }
        else if (value instanceof long[] array)
        {
            sb.append('[');
            for (int i = 0; i < array.length; i++)
            {
                sb.append(i == 0 ? "" : ",").append(array[i]);
            }
            sb.append(']');
        }
        else if (value instanceof Double d)
        {
            sb.append(d.isNaN() || d.isInfinite() ? "null" : String.valueOf(d));
        }
        else if (value instanceof Float f)
        {
            sb.append(f.isNaN() || f.isInfinite() ? "null" : String.valueOf(f));
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            sb.append(value);
        }
        else
        {
            writeString(sb, value.toString());
        }
    }

    private static void writeMap(final StringBuilder sb, final Map<?, ?> map)
    {
        sb.append('{');
        boolean first = true;
        for (final Map.Entry<?, ?> e : map.entrySet())
        {
            sb.append(first ? "" : ",");
            first = false;
            writeString(sb, String.valueOf(e.getKey()));
            sb.append(':');
            write(sb, e.getValue());
        }
        sb.append('}');
    }

    private static void writeString(final StringBuilder sb, final String s)
    {
        sb.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
