package dev.shoal.journal;

/**
 * Sets the system properties Chronicle reads in its static initialisers, before any Chronicle class of this
 * package is initialised: Chronicle Queue sends usage analytics off the machine unless
 * {@code chronicle.analytics.disable=true} is set when its first class loads. The JVM flag (see
 * {@code dev.shoal.process.JvmFlags}) sets it too; this is the belt to its braces, and it wins over an explicit
 * {@code false}: Shoal never sends anything off the machine.
 *
 * <p>This class refers to no Chronicle type, so initialising it cannot load Chronicle. Every class of this package
 * that touches Chronicle calls {@link #ensure()} from its static initialiser.
 */
final class ChronicleGuard
{
    /** Chronicle's switch for its analytics. */
    static final String ANALYTICS_DISABLE = "chronicle.analytics.disable";

    static
    {
        System.setProperty(ANALYTICS_DISABLE, "true");
        // Chronicle announces itself at INFO on first use; keep the CLI's stderr for our own messages.
        if (System.getProperty("org.slf4j.simpleLogger.log.net.openhft") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.log.net.openhft", "warn");
        }
    }

    private ChronicleGuard()
    {
    }

    /**
     * Does nothing: calling it runs the static initialiser once.
     */
    static void ensure()
    {
        // the work is in the static initialiser
    }
}
