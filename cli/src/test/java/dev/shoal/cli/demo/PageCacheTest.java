package dev.shoal.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageCacheTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadEveryByteOfAFileLongerThanItsBuffer() throws IOException
    {
        final byte[] bytes = new byte[(3 << 20) + 17]; // three reads of 1 MiB and a short one
        new Random(5).nextBytes(bytes);
        final Path file = Files.write(dir.resolve("sample.csv"), bytes);
        assertEquals(bytes.length, PageCache.readThrough(file));
        assertEquals(0, PageCache.readThrough(Files.write(dir.resolve("empty.csv"), new byte[0])));
    }

    @Test
    void shouldReadOnlyWhatFitsInAQuarterOfMemory()
    {
        assertTrue(PageCache.fits(1 << 20));
        assertFalse(PageCache.fits(Long.MAX_VALUE));
    }

    @Test
    void shouldNameAMissingFile()
    {
        final Path missing = dir.resolve("missing.csv");
        assertEquals(missing.toString(),
            assertThrows(java.nio.file.NoSuchFileException.class, () -> PageCache.readThrough(missing)).getMessage());
    }
}
