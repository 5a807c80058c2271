package dev.shoal.core;

/**
 * A child JVM that creates (or opens) a region and halts (status 86, as SIGKILL leaves it) the first time it
 * reaches a named region crash point. Needs {@code -Dshoal.test.crashpoints=true}.
 */
public final class RegionCreatorChild
{
    /** The region every child creates. */
    static final RegionSpec SPEC = RegionSpec.builder().longArray("a", 4).participants(4).build();

    private RegionCreatorChild()
    {
    }

    /**
     * @param args the point's name and the region path.
     */
    public static void main(final String[] args)
    {
        final RegionCrashPoint point = RegionCrashPoint.valueOf(args[0]);
        CrashPoints.install(reached ->
        {
            if (reached == point)
            {
                Runtime.getRuntime().halt(86);
            }
        });
        try (Region region = Region.openOrCreate(args[1], SPEC))
        {
            region.checkOpen();
        }
        System.exit(0);
    }
}
