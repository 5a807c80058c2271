package dev.shoal.chunks;

import dev.shoal.pool.Codec;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongLongConsumer;

/**
 * Counts over a user-behaviour CSV ({@code user_id,item_id,behavior_type,user_geohash,item_category,time}):
 * rows per behaviour type (1 click, 2 collect, 3 cart, 4 buy) and rows per item category. Lines that do not
 * parse (such as the header) are counted as skipped. Categories below 2<sup>20</sup> are counted in a plain
 * array, others in a hash map. Mutable; one per range while it is filled.
 */
public final class CsvStats
{
    /** Behaviour names by type code 1 to 4. */
    public static final List<String> BEHAVIORS = List.of("click", "collect", "cart", "buy");

    /** Its codec: skipped, four behaviour counts, then category count pairs. */
    public static final Codec<CsvStats> CODEC = new StatsCodec();

    private static final int FIELD_BEHAVIOR = 2;
    private static final int FIELD_CATEGORY = 4;
    private static final long MISSING = -1;
    private static final int MAX_DIGITS = 18;
    private static final long ZEROS = 0x3030303030303030L;
    private static final long SIXES = 0x0606060606060606L;
    private static final long HIGH_NIBBLES = 0xF0F0F0F0F0F0F0F0L;
    private static final long LOW_NIBBLES = 0x0F0F0F0F0F0F0F0FL;
    /** Categories below this are counted in an array (no hashing on the hot path), the rest in a map. */
    private static final int MAX_DENSE = 1 << 20;
    /** The longest line whose commas are found in one pass of eight words, as one 64-bit mask. */
    private static final int SHORT_LINE = Long.SIZE;
    private static final long COMMAS = ByteScan.broadcast((byte)',');
    /** Moves the flag bits of a word's eight bytes (bits 0, 8, .. 56) into its top byte, in order. */
    private static final long GATHER_FLAGS = 0x0102040810204080L;

    private final long[] behaviors = new long[BEHAVIORS.size()];
    private final Long2LongHashMap categories = new Long2LongHashMap(MISSING);
    private long[] dense = new long[1024];
    private int denseDistinct;
    private long skipped;

    /**
     * A category and its row count.
     *
     * @param category the item category.
     * @param rows     rows with it.
     */
    public record CategoryCount(long category, long rows)
    {
    }

    /**
     * Adds one line; allocates nothing unless a new category needs room in the map.
     *
     * @param buffer bytes.
     * @param offset first byte of the line.
     * @param length its length without the {@code '\n'}.
     */
    public void add(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= SHORT_LINE && length >= 0 && offset >= 0 && offset <= buffer.capacity() - SHORT_LINE)
        {
            addShort(buffer, offset, length);
            return;
        }
        final int end = offset + length;
        // Fields are found a word at a time (commas flagged like newlines in FileWindow), then only the two
        // fields read are parsed: no per-byte branch over the fields skipped.
        final int c1 = nextComma(buffer, offset, end);
        final int c2 = nextComma(buffer, c1 + 1, end);
        final int c3 = nextComma(buffer, c2 + 1, end);
        final int c4 = nextComma(buffer, c3 + 1, end);
        countFields(buffer, c2, c3, c4, c4 < end ? nextComma(buffer, c4 + 1, end) : end, end);
    }

    /**
     * A line of at most 64 bytes with 64 bytes of buffer from its start (checked by the caller, so the eight words
     * are read without a bounds check each): its commas become one mask, a bit per byte, and the fields' bounds are
     * its lowest set bits. No branch depends on where the commas fall, where five searches a word at a time each
     * mispredicted at their field's end (one worker over the 1 GiB sample: 0.65-0.84 GB/s with the searches, 0.77-0.91
     * with the mask; docs/benchmarks.md, session 16).
     */
    private void addShort(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        final long address = buffer.addressOffset() + offset;
        long commas = 0;
        for (int i = 0; i < Long.BYTES; i++)
        {
            final long flags = ByteScan.matches(ByteScan.wordAt(array, address + (long)i * Long.BYTES), COMMAS);
            commas |= ((flags >>> 7) * GATHER_FLAGS >>> 56) << (i * Long.BYTES);
        }
        // Commas past the line's end (its buffer's next bytes) come after all of its own, so they need no mask: a
        // line short of five fields has c4 >= length, and the last field ends at the line's end at the latest.
        commas &= commas - 1; // the first comma ends user_id, the second item_id
        final int c2 = Long.numberOfTrailingZeros(commas);
        commas &= commas - 1;
        final int c3 = Long.numberOfTrailingZeros(commas);
        commas &= commas - 1;
        final int c4 = Long.numberOfTrailingZeros(commas);
        commas &= commas - 1;
        final int c5 = Math.min(length, Long.numberOfTrailingZeros(commas)); // 64 when there is no fifth comma
        countFields(buffer, offset + c2, offset + c3, offset + c4, offset + c5, offset + length);
    }

    /**
     * Counts a line by its fields: behaviour between the second and third commas, category between the fourth and
     * the fifth (or the line's end); a line whose fourth comma is missing ({@code c4 >= end}) or whose fields are
     * not 1 to 18 digits is skipped.
     */
    private void countFields(final DirectBuffer buffer, final int c2, final int c3, final int c4, final int c5,
        final int end)
    {
        if (c4 >= end)
        {
            skipped++; // fewer than five fields
            return;
        }
        final long behavior = parseDigits(buffer, c2 + 1, c3);
        final long category = parseDigits(buffer, c4 + 1, c5);
        if (behavior < 1 || behavior > behaviors.length || category < 0)
        {
            skipped++;
            return;
        }
        behaviors[(int)behavior - 1]++;
        count(category, 1);
    }

    /**
     * @return the index of the first ',' in {@code [from, end)}, or {@code end} when there is none.
     */
    static int nextComma(final DirectBuffer buffer, final int from, final int end)
    {
        final int comma = ByteScan.indexOf(buffer, from, end, (byte)',');
        return comma < 0 ? end : comma;
    }

    /**
     * @return the value of {@code [from, to)} when it is 1 to {@value #MAX_DIGITS} ASCII digits, else -1.
     */
    static long parseDigits(final DirectBuffer buffer, final int from, final int to)
    {
        final int digits = to - from;
        if (digits <= 0 || digits > MAX_DIGITS)
        {
            return -1;
        }
        if (digits <= Long.BYTES && from + Long.BYTES <= buffer.capacity())
        {
            return parseUpToEight(buffer.getLong(from, ByteOrder.LITTLE_ENDIAN), digits);
        }
        long value = 0;
        for (int i = from; i < to; i++)
        {
            final int digit = buffer.getByte(i) - '0';
            if (digit < 0 || digit > 9)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /**
     * Eight bytes at a time (SWAR), with no branch per digit: the field's bytes are moved to the top of the word
     * and the bytes below them (what followed the field in the line) are replaced by leading {@code '0'}s, every
     * byte is checked to be a digit at once, and the digits are combined in pairs, fours, then eight with three
     * multiplications.
     *
     * @param word   the eight bytes from the field's start, the first in the low-order byte.
     * @param digits the field's length, 1 to 8.
     * @return its value, or -1 when a byte of the field is not an ASCII digit.
     */
    static long parseUpToEight(final long word, final int digits)
    {
        final int padBits = (Long.BYTES - digits) << 3;
        final long chars = (word << padBits) | (ZEROS & ((1L << padBits) - 1));
        // A byte is a digit when its high nibble is 3 and adding 6 keeps it there ('9' + 6 = '?', ':' + 6 = '@').
        if ((chars & HIGH_NIBBLES) != ZEROS || ((chars + SIXES) & HIGH_NIBBLES) != ZEROS)
        {
            return -1;
        }
        long v = ((chars & LOW_NIBBLES) * (10 * 256 + 1)) >>> 8;
        v = ((v & 0x00FF00FF00FF00FFL) * (100 * 65536 + 1)) >>> 16;
        return ((v & 0x0000FFFF0000FFFFL) * (10000L * (1L << 32) + 1)) >>> 32;
    }

    private void count(final long category, final long rows)
    {
        if (category < MAX_DENSE)
        {
            if (category >= dense.length)
            {
                dense = Arrays.copyOf(dense, (int)Math.min(MAX_DENSE, Math.max(category + 1, dense.length * 2L)));
            }
            denseDistinct += dense[(int)category] == 0 ? 1 : 0;
            dense[(int)category] += rows;
        }
        else
        {
            final long mine = categories.get(category);
            categories.put(category, mine == MISSING ? rows : mine + rows);
        }
    }

    private void forEachCategory(final LongLongConsumer consumer)
    {
        for (int i = 0; i < dense.length; i++)
        {
            if (dense[i] != 0)
            {
                consumer.accept(i, dense[i]);
            }
        }
        categories.forEachLong(consumer);
    }

    /**
     * @param other the counts of another part of the file.
     * @return this, with the other's added.
     */
    public CsvStats add(final CsvStats other)
    {
        for (int i = 0; i < behaviors.length; i++)
        {
            behaviors[i] += other.behaviors[i];
        }
        skipped += other.skipped;
        other.forEachCategory(this::count);
        return this;
    }

    /**
     * @return rows per behaviour name, in type order.
     */
    public Map<String, Long> behaviorCounts()
    {
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < behaviors.length; i++)
        {
            counts.put(BEHAVIORS.get(i), behaviors[i]);
        }
        return counts;
    }

    /**
     * @return rows counted (lines that parsed).
     */
    public long rows()
    {
        long rows = 0;
        for (final long count : behaviors)
        {
            rows += count;
        }
        return rows;
    }

    /**
     * @return lines that did not parse (such as a header).
     */
    public long skipped()
    {
        return skipped;
    }

    /**
     * @return how many distinct categories were seen.
     */
    public int distinctCategories()
    {
        return denseDistinct + categories.size();
    }

    /**
     * @param n how many.
     * @return the {@code n} categories with the most rows, most first; ties by smaller category.
     */
    public List<CategoryCount> topCategories(final int n)
    {
        final List<CategoryCount> all = new ArrayList<>(distinctCategories());
        forEachCategory((category, rows) -> all.add(new CategoryCount(category, rows)));
        all.sort((a, b) -> a.rows() != b.rows() ? Long.compare(b.rows(), a.rows()) :
            Long.compare(a.category(), b.category()));
        return Collections.unmodifiableList(all.subList(0, Math.min(n, all.size())));
    }

    @Override
    public String toString()
    {
        return "CsvStats{behaviors=" + behaviorCounts() + ", skipped=" + skipped + ", categories=" +
            distinctCategories() + "}";
    }

    private static final class StatsCodec implements Codec<CsvStats>
    {
        @Override
        public int encode(final CsvStats value, final MutableDirectBuffer buffer, final int offset)
        {
            int at = offset;
            buffer.putLong(at, value.skipped);
            at += Long.BYTES;
            for (final long count : value.behaviors)
            {
                buffer.putLong(at, count);
                at += Long.BYTES;
            }
            buffer.putInt(at, value.distinctCategories());
            final int[] position = { at + Integer.BYTES };
            value.forEachCategory((category, rows) ->
            {
                buffer.putLong(position[0], category);
                buffer.putLong(position[0] + Long.BYTES, rows);
                position[0] += 2 * Long.BYTES;
            });
            return position[0] - offset;
        }

        @Override
        public CsvStats decode(final DirectBuffer buffer, final int offset, final int length)
        {
            final CsvStats value = new CsvStats();
            int at = offset;
            value.skipped = buffer.getLong(at);
            at += Long.BYTES;
            for (int i = 0; i < value.behaviors.length; i++)
            {
                value.behaviors[i] = buffer.getLong(at);
                at += Long.BYTES;
            }
            final int size = buffer.getInt(at);
            at += Integer.BYTES;
            if (size < 0 || (long)size * 2 * Long.BYTES != offset + length - at)
            {
                throw new IllegalArgumentException("CsvStats: categories=" + size + " do not fit length=" + length);
            }
            for (int i = 0; i < size; i++)
            {
                value.count(buffer.getLong(at), buffer.getLong(at + Long.BYTES));
                at += 2 * Long.BYTES;
            }
            return value;
        }
    }
}
