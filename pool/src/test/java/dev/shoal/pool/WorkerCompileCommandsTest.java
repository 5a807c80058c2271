package dev.shoal.pool;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workers' compile commands name methods that exist: a JVM silently ignores a command whose method was renamed,
 * and the workers would be back to compiling their whole job path again at each newly taken branch.
 */
class WorkerCompileCommandsTest
{
    private static final String DONT_INLINE = "-XX:CompileCommand=dontinline,";

    @Test
    void shouldBeQuietFirstAndNameOnlyMethodsThatExist() throws ClassNotFoundException
    {
        final List<String> options = WorkerCompileCommands.OPTIONS;
        assertEquals("-XX:CompileCommand=quiet", options.get(0), "quiet before the others, or the JVM prints them");
        assertEquals(4, options.size());
        for (final String option : options.subList(1, options.size()))
        {
            assertTrue(option.startsWith(DONT_INLINE), option);
            final String[] target = option.substring(DONT_INLINE.length()).split("::");
            assertEquals(2, target.length, option);
            final Class<?> type = Class.forName(target[0]);
            final boolean found = Arrays.stream(type.getDeclaredMethods()).map(Method::getName)
                .anyMatch(target[1]::equals);
            assertTrue(found, "no method " + target[1] + " in " + target[0]);
        }
    }
}
