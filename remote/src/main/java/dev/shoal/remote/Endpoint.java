package dev.shoal.remote;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A {@code HOST:PORT} pair as the user gave it, checked once with an error that names what is wrong.
 *
 * @param host the host name or address.
 * @param port the UDP port (0 only where an ephemeral port is meant).
 */
public record Endpoint(String host, int port)
{
    /**
     * @param text      {@code HOST:PORT}.
     * @param what      what the endpoint is for, for the error.
     * @param allowZero whether port 0 (any free port) is allowed.
     * @return the endpoint.
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static Endpoint parse(final String text, final String what, final boolean allowZero)
    {
        final int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1)
        {
            throw new IllegalArgumentException(what + " must be HOST:PORT: '" + text + "'");
        }
        // An IPv6 address comes bracketed ([::1]:PORT), as in a URL; bare (::1:PORT) works too, split at the last
        // colon. Kept without brackets: toString adds them back for Aeron's channel.
        final String host = bareHost(text.substring(0, colon));
        final int port;
        try
        {
            port = Integer.parseInt(text.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(what + " has a port that is not a number: '" + text + "'", ex);
        }
        if (port < (allowZero ? 0 : 1) || port > 65_535)
        {
            throw new IllegalArgumentException(what + " port must be " + (allowZero ? 0 : 1) + "..65535: '" + text +
                "'");
        }
        try
        {
            InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(what + " names an unknown host: '" + host + "'", ex);
        }
        return new Endpoint(host, port);
    }

    /**
     * @param host a host name or address, an IPv6 one bracketed or not ({@code [::1]}, {@code ::1}).
     * @return the host without brackets (an address in brackets is not a host name to resolve or to bind).
     */
    public static String bareHost(final String host)
    {
        return host.length() > 2 && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) :
            host;
    }

    /**
     * @return the Aeron UDP channel with this endpoint.
     */
    String channel()
    {
        return "aeron:udp?endpoint=" + this;
    }

    @Override
    public String toString()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * An IPv4 address to receive on and an IPv6 coordinator, or the other way round, never meet: an agent's session
     * ended only as "unreachable" after its connect timeout. A wildcard bind, or a name that does not resolve, is
     * left to the stack.
     *
     * @param bind        the address an agent receives on.
     * @param coordinator the coordinator it connects to.
     * @return what is wrong, naming {@code --bind}, or {@code null} when the two can meet.
     */
    public static String familyMismatch(final String bind, final Endpoint coordinator)
    {
        final java.net.InetAddress local;
        final java.net.InetAddress remote;
        try
        {
            local = java.net.InetAddress.getByName(bareHost(bind));
            remote = java.net.InetAddress.getByName(bareHost(coordinator.host()));
        }
        catch (final java.net.UnknownHostException ex)
        {
            return null; // named where it is used
        }
        if (local.isAnyLocalAddress() || local.getClass() == remote.getClass())
        {
            return null;
        }
        return "--bind " + bind + " is an " + family(local) + " address and the coordinator " + coordinator + " an " +
            family(remote) + " one: they cannot reach each other; bind an " + family(remote) + " address, or leave " +
            "--bind out";
    }

    private static String family(final java.net.InetAddress address)
    {
        return address instanceof java.net.Inet6Address ? "IPv6" : "IPv4";
    }
}
