package dev.shoal.remote;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code HOST:PORT} as users write it, IPv6 included.
 */
class EndpointTest
{
    /** {@code [::1]:PORT}, the usual way to write an IPv6 endpoint, was refused as an unknown host '[::1]'. */
    @Test
    void shouldTakeABracketedIpv6AddressAndGiveAeronTheBracketsOnce()
    {
        final Endpoint bracketed = Endpoint.parse("[::1]:40123", "--listen", false);
        assertEquals("::1", bracketed.host());
        assertEquals(40123, bracketed.port());
        assertEquals("aeron:udp?endpoint=[::1]:40123", bracketed.channel());
        assertEquals(bracketed, Endpoint.parse("::1:40123", "--listen", false), "bare, split at the last colon");
    }

    /** {@code shoal agent --bind [::1]} passed the brackets on: Aeron was asked to bind {@code [[::1]]:0}. */
    @Test
    void shouldBindABracketedIpv6AddressWithoutItsBrackets()
    {
        assertEquals("::1", Endpoint.bareHost("[::1]"));
        assertEquals("aeron:udp?endpoint=[::1]:0", new Endpoint(Endpoint.bareHost("[::1]"), 0).channel());
        assertEquals("127.0.0.1", Endpoint.bareHost("127.0.0.1"));
        assertEquals("[]", Endpoint.bareHost("[]"), "nothing in the brackets: left for the resolver to refuse");
    }

    @Test
    void shouldNameWhatIsWrong()
    {
        assertEquals("--listen must be HOST:PORT: 'nowhere'", assertThrows(IllegalArgumentException.class,
            () -> Endpoint.parse("nowhere", "--listen", false)).getMessage());
        assertEquals("--listen port must be 1..65535: 'localhost:0'", assertThrows(IllegalArgumentException.class,
            () -> Endpoint.parse("localhost:0", "--listen", false)).getMessage());
        assertEquals("--listen has a port that is not a number: 'localhost:x'",
            assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("localhost:x", "--listen", false))
                .getMessage());
        assertEquals("--listen names an unknown host: '[]'", assertThrows(IllegalArgumentException.class,
            () -> Endpoint.parse("[]:5", "--listen", false)).getMessage());
    }
}
