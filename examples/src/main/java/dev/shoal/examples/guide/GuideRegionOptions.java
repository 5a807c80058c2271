package dev.shoal.examples.guide;

import dev.shoal.core.RegionSpec;
import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.RegionOptions;

/**
 * The example of the docs tagged {@code region-options}.
 */
public final class GuideRegionOptions
{
    private GuideRegionOptions()
    {
    }

    static void run(final RegionSpec spec) throws Exception
    {
        // tag::region-options[]
        Region region = Region.openOrCreate(RegionLocation.of("jobs"), spec,
            RegionOptions.defaults().withGroupAccess(true));   // 0660 instead of 0600
        // end::region-options[]
    }
}
