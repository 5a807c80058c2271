package dev.shoal.bench.peer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Redis client speaking RESP over a plain socket to 127.0.0.1: commands as arrays of bulk strings;
 * replies as String (simple and bulk), Long (integer), List (array) or null; an error reply throws.
 */
public final class Resp implements AutoCloseable
{
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /**
     * @param port loopback port.
     * @throws IOException when it cannot connect.
     */
    public Resp(final int port) throws IOException
    {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /**
     * Writes one command without flushing (for pipelining).
     *
     * @param args command and arguments.
     * @throws IOException on a socket error.
     */
    public void send(final String... args) throws IOException
    {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (final String arg : args)
        {
            final byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
    }

    /**
     * @param args command and arguments.
     * @return the reply.
     * @throws IOException on a socket error or an error reply.
     */
    public Object call(final String... args) throws IOException
    {
        send(args);
        out.flush();
        return read();
    }

    /**
     * Flushes pipelined commands.
     *
     * @throws IOException on a socket error.
     */
    public void flush() throws IOException
    {
        out.flush();
    }

    /**
     * @return the next reply.
     * @throws IOException on a socket error or an error reply.
     */
    public Object read() throws IOException
    {
        final int type = in.read();
        final String line = readLine();
        switch (type)
        {
            case '+':
                return line;
            case ':':
                return Long.parseLong(line);
            case '$':
                return readBulk(Integer.parseInt(line));
            case '*':
                final int n = Integer.parseInt(line);
                if (n < 0)
                {
                    return null;
                }
                final List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    items.add(read());
                }
                return items;
            case '-':
                throw new IOException("redis error: " + line);
            default:
                throw new IOException("bad RESP type " + type);
        }
    }

    private String readBulk(final int length) throws IOException
    {
        if (length < 0)
        {
            return null;
        }
        final byte[] bytes = in.readNBytes(length);
        readLine();
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String readLine() throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r')
        {
            if (c < 0)
            {
                throw new IOException("connection closed");
            }
            sb.append((char)c);
        }
        in.read();
        return sb.toString();
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
