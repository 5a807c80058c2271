package dev.shoal.cli;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CLI's JSON: what it writes reads back the same, and the reader is strict.
 */
class JsonTest
{
    @Test
    void shouldReadBackWhatItWrites()
    {
        final String text = Json.object().put("name", "a \"quoted\"\nline").put("count", 3).put("big", 1L << 40)
            .put("rate", 2.5).put("ok", true).put("none", null).put("list", List.of(1, 2))
            .put("nested", Json.object().put("k", "v")).toString();
        final Map<String, Object> o = Json.parseObject(text);
        assertEquals(List.of("name", "count", "big", "rate", "ok", "none", "list", "nested"), List.copyOf(o.keySet()),
            "field order kept");
        assertEquals("a \"quoted\"\nline", o.get("name"));
        assertEquals(3L, o.get("count"), "integers read as Long");
        assertEquals(1L << 40, o.get("big"));
        assertEquals(2.5, o.get("rate"));
        assertEquals(true, o.get("ok"));
        assertNull(o.get("none"));
        assertEquals(List.of(1L, 2L), o.get("list"));
        assertEquals(Map.of("k", "v"), o.get("nested"));
    }

    @Test
    void shouldRefuseAnythingButExactlyOneObject()
    {
        for (final String bad : List.of("", "[1]", "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":", "{\"a\":1,\"a\":2}"))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Json.parseObject(bad), bad);
            assertTrue(ex.getMessage().contains(bad), ex.getMessage());
        }
    }
}
