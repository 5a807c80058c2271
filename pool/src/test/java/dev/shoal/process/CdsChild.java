package dev.shoal.process;

/**
 * A worker stand-in for {@link ClassDataArchiveTest}: loads itself and exits.
 */
public final class CdsChild
{
    private CdsChild()
    {
    }

    /**
     * @param args none.
     */
    public static void main(final String[] args)
    {
        System.out.println("cds child ran");
    }
}
