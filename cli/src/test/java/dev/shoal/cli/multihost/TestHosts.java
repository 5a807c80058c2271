package dev.shoal.cli.multihost;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts for multi-host tests on one machine: a coordinator host and two worker hosts as network namespaces, each
 * worker host joined to the coordinator's by its own veth pair, with addresses (10.213.x.y) that exist only inside
 * those namespaces. Made by {@link #create()}, removed by {@link #close()} (removing a namespace removes its veth).
 * Without the rights to make namespaces, the same hosts are loopback addresses: 127.0.0.1 for the coordinator,
 * 127.0.0.2 and 127.0.0.3 for the workers, and a cut link is a stopped agent instead.
 */
final class TestHosts implements AutoCloseable
{
    /** A worker host: where it reaches the coordinator and how to run a command on it. */
    record Host(String namespace, String address, String coordinatorAddress, String link)
    {
    }

    private final String coordinatorNamespace;
    private final List<Host> workers;

    private TestHosts(final String coordinatorNamespace, final List<Host> workers)
    {
        this.coordinatorNamespace = coordinatorNamespace;
        this.workers = workers;
    }

    /**
     * @return namespaces when this process may make them, else loopback hosts.
     */
    static TestHosts create()
    {
        final String tag = "sh" + (ProcessHandle.current().pid() % 100_000);
        final String c = tag + "-c";
        // Namespaces of this tag are a killed run's, whose pid this process now has (a live process's pid is its
        // own): removed, or the add below would fail, the run fall back to loopback and the final check see them.
        for (final String left : List.of(c, tag + "-w1", tag + "-w2"))
        {
            run(false, "ip", "netns", "del", left);
        }
        if (!run(false, "ip", "netns", "add", c))
        {
            return new TestHosts(null, List.of(new Host(null, "127.0.0.2", "127.0.0.1", null),
                new Host(null, "127.0.0.3", "127.0.0.1", null)));
        }
        final List<Host> hosts = new ArrayList<>();
        final TestHosts made = new TestHosts(c, hosts);
        try
        {
            run(true, "ip", "-n", c, "link", "set", "lo", "up");
            for (int i = 1; i <= 2; i++)
            {
                final String ns = tag + "-w" + i;
                final String near = tag + "c" + i; // the coordinator's end
                final String far = tag + "w" + i;  // the worker host's end
                final String net = "10.213." + i + ".";
                run(true, "ip", "netns", "add", ns);
                hosts.add(new Host(ns, net + "2", net + "1", far));
                run(true, "ip", "link", "add", near, "type", "veth", "peer", "name", far);
                run(true, "ip", "link", "set", near, "netns", c);
                run(true, "ip", "link", "set", far, "netns", ns);
                run(true, "ip", "-n", c, "addr", "add", net + "1/24", "dev", near);
                run(true, "ip", "-n", ns, "addr", "add", net + "2/24", "dev", far);
                run(true, "ip", "-n", c, "link", "set", near, "up");
                run(true, "ip", "-n", ns, "link", "set", far, "up");
                run(true, "ip", "-n", ns, "link", "set", "lo", "up");
            }
            return made;
        }
        catch (final RuntimeException | Error ex)
        {
            made.close();
            throw ex;
        }
    }

    boolean namespaces()
    {
        return coordinatorNamespace != null;
    }

    Host worker(final int i)
    {
        return workers.get(i);
    }

    /**
     * @return the coordinator's listen address (every address of its host).
     */
    String listenAddress()
    {
        return namespaces() ? "0.0.0.0" : "127.0.0.1";
    }

    /**
     * @param command a command line.
     * @return it, run on the coordinator's host.
     */
    List<String> onCoordinator(final List<String> command)
    {
        return in(coordinatorNamespace, command);
    }

    /**
     * @param host    a worker host.
     * @param command a command line.
     * @return it, run on that host.
     */
    static List<String> on(final Host host, final List<String> command)
    {
        return in(host.namespace(), command);
    }

    private static List<String> in(final String namespace, final List<String> command)
    {
        if (namespace == null)
        {
            return command;
        }
        final List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(command); // ip netns exec execs the command: the child's pid is the JVM's own
        return wrapped;
    }

    /**
     * Takes a worker host's link down or up (namespaces only).
     *
     * @param host a worker host.
     * @param up   whether to bring it up.
     */
    static void link(final Host host, final boolean up)
    {
        run(true, "ip", "-n", host.namespace(), "link", "set", host.link(), up ? "up" : "down");
    }

    @Override
    public void close()
    {
        for (final Host h : workers)
        {
            if (h.namespace() != null)
            {
                run(false, "ip", "netns", "del", h.namespace());
            }
        }
        if (coordinatorNamespace != null)
        {
            run(false, "ip", "netns", "del", coordinatorNamespace);
        }
    }

    /**
     * @return the namespaces of this machine now, one name per line.
     */
    static String namespacesNow()
    {
        try
        {
            final Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        }
        catch (final IOException ex)
        {
            return "";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean run(final boolean mustWork, final String... command)
    {
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + ": no exit in 30 s");
            }
            if (p.exitValue() != 0 && mustWork)
            {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
            return p.exitValue() == 0;
        }
        catch (final IOException ex)
        {
            if (mustWork)
            {
                throw new AssertionError(String.join(" ", command) + ": " + ex, ex);
            }
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }
}
