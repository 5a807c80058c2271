package dev.shoal.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser for tests: objects to maps, arrays to lists, numbers to Long or Double; anything malformed
 * or trailing throws.
 */
final class MiniJson
{
    private final String text;
    private int at;

    private MiniJson(final String text)
    {
        this.text = text;
    }

    static Object parse(final String text)
    {
        final MiniJson p = new MiniJson(text);
        final Object value = p.value();
        p.space();
        if (p.at != text.length())
        {
            throw new IllegalArgumentException("trailing text at " + p.at + ": " + text);
        }
        return value;
    }

    private Object value()
    {
        space();
        if (at >= text.length())
        {
            throw new IllegalArgumentException("unexpected end: " + text);
        }
        final char c = text.charAt(at);
        return switch (c)
        {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        at++;
        space();
        if (text.charAt(at) == '}')
        {
            at++;
            return map;
        }
        while (true)
        {
            space();
            final String key = string();
            space();
            expect(':');
            map.put(key, value());
            space();
            if (text.charAt(at) == '}')
            {
                at++;
                return map;
            }
            expect(',');
        }
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        at++;
        space();
        if (text.charAt(at) == ']')
        {
            at++;
            return list;
        }
        while (true)
        {
            list.add(value());
            space();
            if (text.charAt(at) == ']')
            {
                at++;
                return list;
            }
            expect(',');
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder sb = new StringBuilder();
        while (true)
        {
            final char c = text.charAt(at++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c < 0x20)
            {
                throw new IllegalArgumentException("raw control character in a string at " + (at - 1));
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            final char e = text.charAt(at++);
            switch (e)
            {
                case '"', '\\', '/' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' ->
                {
                    sb.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + e + " at " + at);
            }
        }
    }

    private Object number()
    {
        final int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0)
        {
            at++;
        }
        final String n = text.substring(start, at);
        if (n.isEmpty())
        {
            throw new IllegalArgumentException("unexpected character at " + start + ": " + text);
        }
        return n.contains(".") || n.contains("e") || n.contains("E") ? (Object)Double.parseDouble(n) :
            (Object)Long.parseLong(n);
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, at))
        {
            throw new IllegalArgumentException("bad literal at " + at + ": " + text);
        }
        at += word.length();
        return value;
    }

    private void expect(final char c)
    {
        if (at >= text.length() || text.charAt(at) != c)
        {
            throw new IllegalArgumentException("expected '" + c + "' at " + at + ": " + text);
        }
        at++;
    }

    private void space()
    {
        while (at < text.length() && Character.isWhitespace(text.charAt(at)))
        {
            at++;
        }
    }
}
