package dev.shoal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks a journal directory before Chronicle touches it, so that a wrong directory gives one clear message naming
 * the path and the problem, and nothing is written into it.
 */
final class JournalDirectory
{
    /** The file every Chronicle Queue directory holds once created. */
    static final String METADATA_FILE = "metadata.cq4t";
    /** Free space below which opening for append fails: a cycle file is mapped in blocks of this order. */
    static final long MIN_FREE_BYTES = 64L << 20;

    /** The store type Chronicle Queue names in the header of its metadata file. */
    static final String METADATA_MARKER = "STStore";
    /**
     * The least length of a metadata file a writer made: Chronicle creates it by mapping its first block (64 KiB,
     * plus as much again of overlap), so a shorter one holding bytes was cut short. A length of zero is a file
     * being created right now (Chronicle waits for it).
     */
    static final long METADATA_MIN_BYTES = 64L << 10;
    /** How many leading bytes of the metadata file are searched for {@link #METADATA_MARKER}. */
    static final int METADATA_PROBE_BYTES = 64;

    private JournalDirectory()
    {
    }

    /**
     * Checks (and creates when missing) a directory to append to.
     *
     * @param dir the journal directory.
     * @return true when this call created it (so a failed open may remove it again).
     * @throws JournalOpenException naming the path and the problem.
     */
    static boolean prepareForAppend(final Path dir)
    {
        boolean created = false;
        if (!Files.exists(dir))
        {
            try
            {
                Files.createDirectories(dir);
                created = true;
            }
            catch (final IOException | SecurityException ex)
            {
                throw new JournalOpenException("cannot create journal directory " + dir + ": " + ex, ex);
            }
        }
        checkDirectory(dir, true);
        checkFilesWritable(dir);
        checkFreeSpace(dir);
        return created;
    }

    /**
     * Checks an existing journal directory for reading.
     *
     * @param dir the journal directory.
     * @throws JournalOpenException naming the path and the problem.
     */
    static void checkForRead(final Path dir)
    {
        if (!Files.exists(dir))
        {
            throw new JournalOpenException("no journal at " + dir + ": the directory does not exist");
        }
        checkDirectory(dir, false);
        if (!holdsMetadata(dir))
        {
            throw new JournalOpenException("no journal at " + dir + ": " + METADATA_FILE + " is missing");
        }
    }

    /**
     * @param dir a directory, which may not exist.
     * @return whether it holds a journal's metadata file.
     */
    static boolean holdsMetadata(final Path dir)
    {
        return Files.isRegularFile(dir.resolve(METADATA_FILE));
    }

    /**
     * @param dir a directory, which may not exist.
     * @return whether it holds a journal's metadata file whose first header word a writer has written.
     */
    static boolean holdsWrittenMetadata(final Path dir)
    {
        try
        {
            return firstWord(dir.resolve(METADATA_FILE)) != 0;
        }
        catch (final java.nio.file.NoSuchFileException ex)
        {
            return false; // not made yet
        }
        catch (final IOException ex)
        {
            return true; // there, but it does not read (a folder, no permission): the open names what is wrong
        }
    }

    /**
     * @param file a Chronicle file.
     * @return its first word, the header word of its first excerpt (little-endian), or 0 when it is shorter.
     * @throws IOException when it cannot be read.
     */
    private static int firstWord(final Path file) throws IOException
    {
        final byte[] word = new byte[Integer.BYTES];
        try (java.io.InputStream in = Files.newInputStream(file))
        {
            return in.readNBytes(word, 0, word.length) < word.length ? 0 :
                java.nio.ByteBuffer.wrap(word).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        }
    }

    /**
     * Cycle files of zero bytes: Chronicle sizes a cycle file as it creates it, so one found empty was cut short
     * (its records are gone) or is being created by a writer at this moment. Readers warn rather than fail.
     *
     * @param dir the journal directory.
     * @return the empty {@code *.cq4} files, in name order; empty when the directory cannot be listed.
     */
    static List<Path> emptyCycleFiles(final Path dir)
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.filter(p -> p.getFileName().toString().endsWith(".cq4") && isEmptyFile(p)).sorted()
                .toList();
        }
        catch (final IOException ex)
        {
            return List.of(); // listed once already by the checks before; a failure now is the open's to report
        }
    }

    /** {@link #cycleOf} of a file that is not a cycle file of the journal's daily roll. */
    static final int NOT_A_CYCLE = Integer.MIN_VALUE;
    private static final Pattern CYCLE_FILE = Pattern.compile("(\\d{8})F\\.cq4");

    /**
     * @param file a cycle file, named by its day as the journal's roll cycle names it ({@code yyyyMMddF.cq4}).
     * @return its cycle number (days since 1970-01-01, the daily roll's numbering), or {@link #NOT_A_CYCLE}.
     */
    static int cycleOf(final Path file)
    {
        final Matcher name = CYCLE_FILE.matcher(file.getFileName().toString());
        if (!name.matches())
        {
            return NOT_A_CYCLE;
        }
        try
        {
            return (int)LocalDate.parse(name.group(1), DateTimeFormatter.BASIC_ISO_DATE).toEpochDay();
        }
        catch (final DateTimeParseException ex)
        {
            return NOT_A_CYCLE;
        }
    }

    /**
     * @param cycle a cycle number (days since 1970-01-01).
     * @return the name of its cycle file, as the journal's daily roll names it ({@code yyyyMMddF.cq4}).
     */
    static String cycleFileName(final int cycle)
    {
        return LocalDate.ofEpochDay(cycle).format(DateTimeFormatter.BASIC_ISO_DATE) + "F.cq4";
    }

    /**
     * @param file a file.
     * @return its length in bytes, or -1 when it cannot be read (for messages).
     */
    static long sizeOf(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /**
     * @return the cycles of the journal's cycle files (empty or not), listed now.
     */
    static List<Integer> cycleFiles(final Path dir)
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.map(JournalDirectory::cycleOf).filter(cycle -> cycle != NOT_A_CYCLE).toList();
        }
        catch (final IOException ex)
        {
            return List.of(); // nothing to step to: the reader stops where Chronicle stopped
        }
    }

    /**
     * @param dir the journal directory.
     * @return the cycle file of the latest cycle that is not empty (the one appends continue, or the last a reader
     *     meets before a new day's), or null when there is none; null also when the directory cannot be listed.
     */
    static Path lastCycleFile(final Path dir)
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.filter(p -> cycleOf(p) != NOT_A_CYCLE && !isEmptyFile(p))
                .max(java.util.Comparator.comparingInt(JournalDirectory::cycleOf)).orElse(null);
        }
        catch (final IOException ex)
        {
            return null; // listed once already by the checks before; a failure now is the open's to report
        }
    }

    /**
     * Names a file of the journal this process cannot write. Chronicle opens a queue's files for writing, and when
     * one cannot be, logs a warning with a stack trace and falls back to reading only: an appender would then
     * journal nothing. Asked of the kernel ({@code access(2)}), so root is refused a file made immutable ({@code
     * chattr +i}) or on a read-only mount, which permissions alone do not stop.
     *
     * @param dir a checked journal directory (itself writable).
     * @throws JournalOpenException naming the first file that cannot be written.
     */
    private static void checkFilesWritable(final Path dir)
    {
        final Path locked;
        try (Stream<Path> entries = Files.list(dir))
        {
            locked = entries.filter(p -> !Files.isWritable(p)).sorted().findFirst().orElse(null);
        }
        catch (final IOException ex)
        {
            throw new JournalOpenException("cannot list journal directory " + dir + ": " + ex, ex);
        }
        if (locked != null)
        {
            throw new JournalOpenException("no permission to write journal file " + locked + " (appending needs " +
                "every file of the journal writable; reading does not)");
        }
    }

    private static boolean isEmptyFile(final Path p)
    {
        try
        {
            return Files.isRegularFile(p) && Files.size(p) == 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static void checkDirectory(final Path dir, final boolean write)
    {
        if (!Files.isDirectory(dir))
        {
            throw new JournalOpenException("journal path " + dir + " is not a directory");
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir) || (write && !Files.isWritable(dir)))
        {
            throw new JournalOpenException("no permission to " + (write ? "write" : "read") + " journal directory " +
                dir);
        }
        final Path foreign;
        try (Stream<Path> entries = Files.list(dir))
        {
            foreign = entries.filter(p -> !isQueueFile(p)).findFirst().orElse(null);
        }
        catch (final IOException ex)
        {
            throw new JournalOpenException("cannot list journal directory " + dir + ": " + ex, ex);
        }
        if (foreign != null)
        {
            throw new JournalOpenException("journal directory " + dir + " is not a Chronicle Queue: unexpected " +
                (Files.isDirectory(foreign) ? "directory" : "file") + " '" + foreign.getFileName() +
                "' (a journal holds only *.cq4 and *.cq4t files)");
        }
        checkMetadata(dir);
        checkCycleHeaders(dir);
    }

    /** Bits of a Chronicle excerpt header word: not yet complete, and metadata rather than data. */
    private static final int HEADER_NOT_COMPLETE = 0x8000_0000;
    private static final int HEADER_META_DATA = 0x4000_0000;
    private static final int HEADER_LENGTH_MASK = 0x3FFF_FFFF;
    /** The longest first header Chronicle accepts in a cycle file. */
    private static final int MAX_FIRST_HEADER_BYTES = 1 << 16;

    /**
     * A cycle file starts with a complete metadata excerpt of at most 64 KiB (its store header); a file whose first
     * word says otherwise was not written by Chronicle or was overwritten, and Chronicle would refuse it with an
     * "unexpected magic number" that names no file.
     */
    private static void checkCycleHeaders(final Path dir)
    {
        for (final Integer cycle : cycleFiles(dir))
        {
            final Path file = dir.resolve(cycleFileName(cycle));
            final int header;
            try
            {
                header = firstWord(file);
            }
            catch (final IOException ex)
            {
                throw new JournalOpenException("cannot read journal file " + file + ": " + ex, ex);
            }
            // Zero, or marked not complete: a writer is making the file (Chronicle waits for it, and recovers one
            // whose writer died). Complete: a metadata excerpt that fits.
            final boolean valid = header == 0 || (header & HEADER_NOT_COMPLETE) != 0 ||
                (header & HEADER_META_DATA) != 0 && (header & HEADER_LENGTH_MASK) <= MAX_FIRST_HEADER_BYTES;
            if (!valid)
            {
                throw new JournalFormatException("journal " + dir + " is damaged: cycle file " + file.getFileName() +
                    " does not start with a Chronicle header (first word 0x" + Integer.toHexString(header) +
                    "; written by something else, or overwritten): move the journal aside and start with a new " +
                    "directory");
            }
        }
    }

    /**
     * A Chronicle metadata file starts with an excerpt header and the type name of its store in binary wire. A file
     * still all zeros is being created by another process right now: Chronicle waits for it.
     */
    private static void checkMetadata(final Path dir)
    {
        final Path metadata = dir.resolve(METADATA_FILE);
        if (!Files.isRegularFile(metadata))
        {
            return;
        }
        final byte[] head = new byte[METADATA_PROBE_BYTES];
        final int read;
        try (java.io.InputStream in = Files.newInputStream(metadata))
        {
            read = in.readNBytes(head, 0, head.length);
        }
        catch (final IOException ex)
        {
            throw new JournalOpenException("cannot read " + metadata + ": " + ex, ex);
        }
        boolean zeros = true;
        for (int i = 0; i < read; i++)
        {
            zeros &= head[i] == 0;
        }
        final String text = new String(head, 0, read, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!zeros && !text.contains(METADATA_MARKER))
        {
            throw new JournalOpenException("journal directory " + dir + " is not a Chronicle Queue this Shoal reads: " +
                METADATA_FILE + " does not start with a '" + METADATA_MARKER + "' header (damaged, or written by " +
                "an incompatible version)");
        }
        final long size = sizeOf(metadata);
        if (size > 0 && size < METADATA_MIN_BYTES)
        {
            throw new JournalFormatException("journal " + dir + " is damaged: " + METADATA_FILE + " is cut short (" +
                size + " bytes; Chronicle maps it in blocks of " + METADATA_MIN_BYTES + "): move the journal aside " +
                "(its cycle files keep the records) and start with a new directory");
        }
    }

    private static boolean isQueueFile(final Path p)
    {
        final String name = p.getFileName().toString();
        return Files.isRegularFile(p) && (name.endsWith(".cq4") || name.endsWith(".cq4t"));
    }

    private static void checkFreeSpace(final Path dir)
    {
        try
        {
            final long free = Files.getFileStore(dir).getUsableSpace();
            if (free < MIN_FREE_BYTES)
            {
                throw new JournalOpenException("not enough disk space for journal " + dir + ": usable=" + free +
                    " bytes, needs at least " + MIN_FREE_BYTES);
            }
        }
        catch (final IOException ex)
        {
            throw new JournalOpenException("cannot read free space of journal directory " + dir + ": " + ex, ex);
        }
    }

    /**
     * Removes a directory this process created, when opening it failed (never a half-created journal).
     *
     * @param dir the directory.
     */
    static void removeCreated(final Path dir)
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            entries.forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            // best effort: the open failure is what the caller reports
        }
        dir.toFile().delete();
    }
}
