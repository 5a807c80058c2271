package dev.shoal.chunks;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes what a run or a session wrote into a folder, and only that: a folder of a name Shoal uses may also hold
 * a user's files, which stay, and so does the folder then.
 */
final class OwnFiles
{
    private OwnFiles()
    {
    }

    /**
     * Removes the regular files of {@code folder} whose names match {@code ours} (links are not followed), then the
     * folder if that emptied it.
     *
     * @param folder the folder.
     * @param ours   the names Shoal writes there.
     * @return true when the folder is gone, false when other files keep it.
     * @throws IOException when the folder cannot be listed or a file of ours cannot be removed.
     */
    static boolean removeThenFolder(final Path folder, final Pattern ours) throws IOException
    {
        final List<Path> files;
        try (Stream<Path> entries = Files.list(folder))
        {
            files = entries.filter(p -> ours.matcher(p.getFileName().toString()).matches() &&
                Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        for (final Path file : files)
        {
            Files.deleteIfExists(file);
        }
        try
        {
            Files.delete(folder);
            return true;
        }
        catch (final DirectoryNotEmptyException ex)
        {
            return false;
        }
    }
}
