package dev.shoal.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.jr.ob.JSON;

/**
 * JSON for the CLI's machine output and for whatever reads it back (tests, the benchmark reports): a small writer
 * (objects keep insertion order; values may be strings, numbers, booleans, null, nested {@link Json} objects,
 * maps, collections or long arrays) and {@link #parseObject(String)}, a strict reader on jackson-jr.
 */
public final class Json
{
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JSON READER = JSON.std.with(JSON.Feature.PRESERVE_FIELD_ORDERING,
        JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);

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

    /**
     * Reads one JSON object, strictly: malformed input or anything after the object fails. Objects become ordered
     * maps, arrays lists, integers {@code Long} (or {@code BigInteger} beyond 64 bits), other numbers
     * {@code Double}.
     *
     * @param text the JSON text.
     * @return the object.
     * @throws IllegalArgumentException naming what is wrong when the text is not exactly one JSON object.
     */
    public static Map<String, Object> parseObject(final String text)
    {
        try (JsonParser parser = FACTORY.createParser(text))
        {
            final Map<String, Object> object = READER.mapFrom(parser);
            if (object == null || parser.nextToken() != null)
            {
                throw new IllegalArgumentException("not exactly one JSON object: " + text);
            }
            @SuppressWarnings("unchecked")
            final Map<String, Object> normalised = (Map<String, Object>)normalise(object);
            return normalised;
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("malformed JSON (" + ex.getMessage().lines().findFirst().orElse("") +
                "): " + text, ex);
        }
    }

    /** Integers as Long whatever their size below 64 bits, so readers need not care how jackson-jr sized them. */
    private static Object normalise(final Object value)
    {
        if (value instanceof Integer i)
        {
            return i.longValue();
        }
        if (value instanceof Float f)
        {
            return f.doubleValue();
        }
        if (value instanceof Map<?, ?> map)
        {
            final Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String)k, normalise(v)));
            return out;
        }
        if (value instanceof List<?> list)
        {
            final List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(normalise(v)));
            return out;
        }
        return value;
    }
}
