package dev.shoal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

class RegionTest
{
    @TempDir
    Path dir;

    private RegionSpec spec()
    {
        return RegionSpec.builder().longArray("offsets", 64).paddedLongArray("counters", 4).participants(16).build();
    }

    @Test
    void shouldCreateThenOpenWithSameLayout()
    {
        final Path path = dir.resolve("r1");
        try (Region created = Region.create(path.toString(), spec()))
        {
            assertTrue(created.wasCreated());
            created.longArray("offsets").set(3, 42);
            try (Region opened = Region.open(path.toString()))
            {
                assertFalse(opened.wasCreated());
                assertEquals(2, opened.structures().size());
                assertEquals(42, opened.longArray("offsets").get(3));
                assertEquals(created.length(), opened.length());
                assertEquals(16, opened.participants().capacity());
                assertEquals(ProcessLiveness.currentPid(), opened.creatorPid());
            }
        }
    }

    /** A null spec was taken by add and failed inside build() with an internal NullPointerException. */
    @Test
    void shouldRefuseANullStructureSpecAtAdd()
    {
        final RegionSpec.Builder builder = RegionSpec.builder().longArray("a", 1);
        final NullPointerException ex = assertThrows(NullPointerException.class, () -> builder.add(null));
        assertEquals("spec", ex.getMessage());
    }

    @Test
    void shouldPlaceStructuresOnPageBoundaries()
    {
        try (Region region = Region.create(dir.resolve("r").toString(), spec()))
        {
            for (final StructureInfo info : region.structures())
            {
                assertEquals(0, info.offset() % HeaderDescriptor.PAGE_SIZE, info.toString());
            }
            assertEquals(Files.exists(dir.resolve("r")), true);
        }
    }

    @Test
    void shouldCreateOwnerOnlyFileByDefaultAndGroupFileOnRequest() throws Exception
    {
        try (Region region = Region.create(dir.resolve("private").toString(), spec()))
        {
            assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("private"))));
            assertFalse(region.isGroupAccessible());
        }
        try (Region region = Region.create(RegionLocation.of(dir.resolve("group")), spec(),
            RegionOptions.defaults().withGroupAccess(true)))
        {
            assertEquals("rw-rw----",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("group"))));
            assertTrue(region.isGroupAccessible());
        }
    }

    @Test
    void shouldRefuseToCreateTwice()
    {
        final String path = dir.resolve("twice").toString();
        try (Region ignored = Region.create(path, spec()))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> Region.create(path, spec()));
            assertTrue(ex.getMessage().contains("already exists"), ex.getMessage());
        }
    }

    @Test
    void shouldMakeNoFolderForAPathAndNameAFolderGivenAsTheFile() throws Exception
    {
        final Path missing = dir.resolve("no-such").resolve("dir").resolve("r");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Region.create(missing.toString(), spec()));
        assertTrue(ex.getMessage().contains("folder " + missing.getParent() + " does not exist"), ex.getMessage());
        assertFalse(java.nio.file.Files.exists(dir.resolve("no-such")), "a mistyped path leaves no folder behind");
        assertThrows(IllegalArgumentException.class, () -> Region.openOrCreate(missing.toString(), spec()));
        final IllegalArgumentException folder = assertThrows(IllegalArgumentException.class,
            () -> Region.create(dir.toString(), spec()));
        assertTrue(folder.getMessage().contains("is a directory, not a region file"), folder.getMessage());
    }

    @Test
    void shouldOpenOrCreateMatchingAndRejectMismatch()
    {
        final String path = dir.resolve("ooc").toString();
        try (Region first = Region.openOrCreate(path, spec());
            Region second = Region.openOrCreate(path, spec()))
        {
            assertTrue(first.wasCreated());
            assertFalse(second.wasCreated());
            final RegionSpec other = RegionSpec.builder().longArray("offsets", 65).paddedLongArray("counters", 4)
                .participants(16).build();
            final RegionMismatchException ex = assertThrows(RegionMismatchException.class,
                () -> Region.openOrCreate(path, other));
            assertTrue(ex.getMessage().contains("offsets"), ex.getMessage());
            final RegionMismatchException ex2 = assertThrows(RegionMismatchException.class,
                () -> Region.openOrCreate(path,
                    RegionSpec.builder().longArray("offsets", 64).participants(16).build()));
            assertTrue(ex2.getMessage().contains("counters"), ex2.getMessage());
        }
    }

    @Test
    void shouldReportMissingRegion()
    {
        final RegionNotFoundException ex = assertThrows(RegionNotFoundException.class,
            () -> Region.open(dir.resolve("nope").toString()));
        assertTrue(ex.getMessage().contains("nope"));
        assertFalse(ex.getMessage().contains("bare name"), "a path gets no hint: " + ex.getMessage());
    }

    /** "inspect reg.bin" beside ./reg.bin said only "region not found: /dev/shm/shoal/reg.bin". */
    @Test
    void shouldPointABareNameThatIsAFileInTheCurrentFolderToItsPath() throws java.io.IOException
    {
        final String name = "hint-probe-" + ProcessHandle.current().pid() + ".bin";
        final java.nio.file.Path here = java.nio.file.Path.of(name);
        java.nio.file.Files.write(here, new byte[1]);
        try
        {
            final RegionNotFoundException ex = assertThrows(RegionNotFoundException.class, () -> Region.open(name));
            assertTrue(ex.getMessage().contains("a bare name is looked up in " + RegionLocation.defaultDirectory()) &&
                ex.getMessage().contains("give ./" + name), ex.getMessage());
        }
        finally
        {
            java.nio.file.Files.deleteIfExists(here);
        }
    }

    @Test
    void shouldDeleteAndKeepMappingValidForHolders()
    {
        final String path = dir.resolve("del").toString();
        try (Region region = Region.create(path, spec()))
        {
            assertTrue(Region.delete(path));
            assertFalse(Files.exists(Path.of(path)));
            region.longArray("offsets").set(0, 7);
            assertEquals(7, region.longArray("offsets").get(0));
        }
        assertFalse(Region.delete(path));
    }

    @Test
    void shouldNameWhatIsThereForWrongNameOrKind()
    {
        try (Region region = Region.create(dir.resolve("names").toString(), spec()))
        {
            final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> region.longArray("offset"));
            assertTrue(missing.getMessage().contains("'offset'") && missing.getMessage().contains("offsets (array)"),
                missing.getMessage());
            final IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> region.structure("offsets", StructureKind.JOB_RING));
            assertTrue(kind.getMessage().contains("is an array, not a ring"), kind.getMessage());
        }
    }

    @Test
    void shouldThrowAfterClose()
    {
        final Region region = Region.create(dir.resolve("closed").toString(), spec());
        final SharedLongArray array = region.longArray("offsets");
        region.close();
        region.close();
        assertThrows(IllegalStateException.class, () -> array.get(0));
        assertThrows(IllegalStateException.class, () -> region.longArray("offsets"));
    }

    @Test
    void shouldMapBareNamesIntoTheShoalFolder()
    {
        final RegionLocation loc = RegionLocation.of("jobs");
        assertEquals("jobs", loc.path().getFileName().toString());
        assertEquals("shoal", loc.path().getParent().getFileName().toString());
        assertEquals(dir.resolve("x/y").toAbsolutePath(), RegionLocation.of(dir.resolve("x/y").toString()).path());
        assertThrows(IllegalArgumentException.class, () -> RegionLocation.of(" "));
    }

    /** The header's getters read the unmapped file after close: the JVM died of SIGSEGV. */
    @Test
    void shouldAnswerHeaderGettersAfterClose()
    {
        final Region region = Region.create(dir.resolve("closed").toString(),
            RegionSpec.builder().longArray("a", 4).build());
        final List<Object> open = List.of(region.layoutVersion(), region.creatorPid(), region.creatorStartMillis(),
            region.createdAtMillis(), region.isGroupAccessible());
        region.close();
        assertEquals(open, List.of(region.layoutVersion(), region.creatorPid(), region.creatorStartMillis(),
            region.createdAtMillis(), region.isGroupAccessible()));
        assertEquals(ProcessHandle.current().pid(), region.creatorPid());
        assertThrows(IllegalStateException.class, region::participants);
    }

    @Test
    void shouldRefuseAFileNameTooLongForItsCreatingFileWithoutMakingAnyFile() throws java.io.IOException
    {
        final RegionSpec spec = RegionSpec.builder().longArray("a", 1).build();
        final Path longest = dir.resolve("n".repeat(RegionLocation.MAX_FILE_NAME_BYTES));
        try (Region region = Region.create(longest.toString(), spec))
        {
            assertEquals(longest, region.location().path());
        }
        final Path tooLong = dir.resolve("n".repeat(RegionLocation.MAX_FILE_NAME_BYTES + 1));
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> Region.create(tooLong.toString(), spec));
        assertEquals("region file name is 201 bytes long, at most 200 allowed: " + tooLong, refused.getMessage());
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir))
        {
            assertEquals(java.util.List.of(longest), files.toList(), "no file made for the refused name");
        }
    }

    @Test
    void shouldRejectBadSpecs()
    {
        assertThrows(IllegalArgumentException.class, () -> RegionSpec.builder().longArray("a b", 1));
        assertThrows(IllegalArgumentException.class, () -> RegionSpec.builder().longArray("a", 0));
        assertThrows(IllegalArgumentException.class, () -> RegionSpec.builder().longArray("a", 1).longArray("a", 2));
        assertThrows(IllegalArgumentException.class, () -> RegionSpec.builder().participants(0));
        assertThrows(IllegalArgumentException.class, () -> RegionSpec.builder().bytes("b", 12));
    }

    @Test
    void shouldCleanUpCreationFilesOfDeadCreators() throws Exception
    {
        final Path stale = dir.resolve(".r9.creating.999999999.1");
        Files.write(stale, new byte[]{ 1 });
        try (Region ignored = Region.create(dir.resolve("r9").toString(), spec()))
        {
            assertFalse(Files.exists(stale));
        }
        try (var files = Files.list(dir))
        {
            assertEquals(1, files.filter(p -> p.getFileName().toString().contains("r9")).count());
        }
    }
}
