package dev.shoal.chunks;

import java.io.IOException;

/**
 * A JVM that starts a {@link ChunkSession} of one worker, prints {@code folder PATH} (its log folder) and waits on
 * its standard input: a test SIGKILLs it, as a coordinator killed while its session is open.
 */
public final class SessionOwnerMain
{
    private SessionOwnerMain()
    {
    }

    /**
     * @param args none.
     * @throws IOException never: its input is the test's pipe.
     */
    public static void main(final String[] args) throws IOException
    {
        final ChunkSession session = ChunkSession.builder().workers(1).start();
        System.out.println("folder " + session.logFolder());
        System.out.flush();
        while (System.in.read() >= 0)
        {
            continue; // until killed, or the test's pipe ends
        }
        session.close();
    }
}
