package dev.shoal.chunks;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The job code hash: the same class files give the same hash in any class loader (and so in any JVM); a change in
 * the job's class, or only in a class nested in it, gives another. The versions are compiled here, as in
 * {@link FileChunksCodeChangeTest}, each loaded by a class loader of its own under the same name.
 */
class JobCodeTest
{
    @TempDir
    Path dir;

    @Test
    void shouldHashTheClassFilesOfTheJobAndOfTheClassesNestedInIt() throws Exception
    {
        final long v1 = hash(1, false);
        assertEquals(v1, hash(1, false), "the same code, compiled again, in another loader");
        assertNotEquals(v1, hash(2, false), "another VERSION constant in the job class");
        assertNotEquals(v1, hash(1, true), "only the job's anonymous codec class changed");

        final String job = FileChunksCodeChangeTest.JOB;
        final ChunkJob<?> loaded = FileChunksCodeChangeTest.load(FileChunksCodeChangeTest.compile(dir, 1, false));
        assertEquals(List.of(job, job + "$1"), JobCode.classes(loaded).keySet().stream()
            .filter(n -> n.startsWith(job)).toList(), "the job and its nested codec class count");
        assertEquals(List.of(), JobCode.classes(loaded).keySet().stream().filter(n -> n.startsWith("java.")).toList(),
            "JDK classes do not");
    }

    private long hash(final long version, final boolean otherCodec) throws Exception
    {
        return JobCode.hash(FileChunksCodeChangeTest.load(FileChunksCodeChangeTest.compile(dir, version, otherCodec)));
    }
}
