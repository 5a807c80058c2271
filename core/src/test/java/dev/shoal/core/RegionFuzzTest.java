package dev.shoal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random and bit-flipped bytes in the header, the directory and the participant table: opening and then using
 * the region may succeed or throw {@link RegionFormatException}, and nothing else.
 */
class RegionFuzzTest
{
    private static final long SEED = Long.getLong("shoal.fuzz.seed", 0x5EED_2026L);
    private static final int CASES = Integer.getInteger("shoal.fuzz.cases", 6000);
    private static final long[] SPECIAL = { 0, 1, -1, 7, 8, 4095, 4096, 4097, Integer.MAX_VALUE, Integer.MIN_VALUE,
        Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, 65536, 127, 128, 129 };

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldOnlyEverThrowRegionFormatException() throws Exception
    {
        final Path original = dir.resolve("original");
        Region.create(original.toString(), RegionSpec.builder().longArray("offsets", 16).paddedLongArray("counts", 3)
            .bytes("raw", 64).participants(4).build()).close();
        final byte[] good = Files.readAllBytes(original);
        final int participantsEnd = HeaderDescriptor.HEADER_LENGTH + 3 * DirectoryDescriptor.ENTRY_LENGTH +
            4 * ParticipantDescriptor.ENTRY_LENGTH;
        final SplittableRandom random = new SplittableRandom(SEED);
        final Path target = dir.resolve("fuzzed");
        final RegionOptions options = RegionOptions.defaults().withReadyTimeout(Duration.ZERO);
        int opened = 0;
        for (int c = 0; c < CASES; c++)
        {
            final byte[] bytes = mutate(good, random, participantsEnd, c);
            Files.write(target, bytes);
            try (Region region = Region.open(RegionLocation.of(target), options))
            {
                exercise(region);
                opened++;
            }
            catch (final RegionFormatException expected)
            {
                if (expected.getMessage() == null || expected.getMessage().isBlank())
                {
                    fail("case " + c + " (seed=" + SEED + "): exception without a message");
                }
            }
            catch (final Throwable t)
            {
                throw new AssertionError("case " + c + " escaped with " + t + " (seed=" + SEED +
                    "; rerun with -Dshoal.fuzz.seed=" + SEED + ")", t);
            }
        }
        if (opened == 0 || opened == CASES)
        {
            fail("fuzz did not exercise both outcomes: opened=" + opened + " of " + CASES + " (seed=" + SEED + ")");
        }
    }

    private static byte[] mutate(final byte[] good, final SplittableRandom random, final int end, final int c)
    {
        final byte[] bytes = good.clone();
        final int mode = c % 4;
        final int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++)
        {
            final int area = random.nextInt(3);
            final int from = area == 0 ? 0 : area == 1 ? HeaderDescriptor.HEADER_LENGTH :
                HeaderDescriptor.HEADER_LENGTH + 3 * DirectoryDescriptor.ENTRY_LENGTH;
            final int to = area == 0 ? 96 : area == 1 ? from + 3 * DirectoryDescriptor.ENTRY_LENGTH : end;
            final int at = from + random.nextInt(to - from);
            switch (mode)
            {
                case 0 -> bytes[at] ^= (byte)(1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte)random.nextInt(256);
                case 2 -> putLong(bytes, at & ~7, SPECIAL[random.nextInt(SPECIAL.length)]);
                default -> putLong(bytes, at & ~7, random.nextLong());
            }
        }
        if (random.nextInt(50) == 0)
        {
            return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        return bytes;
    }

    private static void putLong(final byte[] bytes, final int at, final long value)
    {
        for (int i = 0; i < 8 && at + i < bytes.length; i++)
        {
            bytes[at + i] = (byte)(value >>> (8 * i));
        }
    }

    private static void exercise(final Region region)
    {
        for (final StructureInfo info : region.structures())
        {
            if (info.kind() == StructureKind.LONG_ARRAY)
            {
                final SharedLongArray array = region.longArray(info.name());
                for (int i = 0; i < array.length(); i++)
                {
                    array.getAndAdd(i, array.get(i));
                }
            }
            else if (info.kind() == StructureKind.BYTES)
            {
                region.bytes(info.name()).getLong(0);
            }
        }
        region.participants().snapshot();
        region.participants().reclaimDead();
        try (Participant p = region.attach(Role.OBSERVER))
        {
            p.heartbeat();
            region.participants().isAlive(p.token());
        }
        catch (final IllegalStateException full)
        {
            // every entry claimed by a live process (e.g. the fuzz wrote our own pid): a clear, expected error
        }
    }
}
