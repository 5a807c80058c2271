package dev.shoal.chunks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The identity of a job's code, stored in a run's region so that a kept run is resumed only by the code that
 * produced its results. A job fixed and recompiled under the same class name must not add its results to those
 * of the old code: the hash covers the bytes of the class files, read through each class's own class loader.
 *
 * <p>What counts: the job's class, its superclasses and interfaces, the runtime class of its accumulator
 * ({@link ChunkJob#newAccumulator()}, an array's element class) and of its codec ({@link ChunkJob#codec()}),
 * and every class nested in any of these (its nest: inner, anonymous and local classes, such as a codec written
 * as an anonymous class in the job). JDK classes do not count. What cannot count: other classes the job calls
 * (a helper, a library), files or settings it reads, and a class whose file cannot be read (one defined at run
 * time): for such a class only its name counts.
 */
final class JobCode
{
    private JobCode()
    {
    }

    /**
     * @param job a job instance (its accumulator and codec classes are found through it).
     * @return a 64-bit hash of the names and class file bytes of the classes the job is made of.
     */
    static long hash(final ChunkJob<?> job)
    {
        final Map<String, Class<?>> classes = classes(job);
        final MessageDigest digest = sha256();
        for (final Class<?> type : classes.values())
        {
            digest.update(type.getName().getBytes(StandardCharsets.UTF_8));
            digest.update((byte)0);
            final byte[] bytes = classFile(type);
            digest.update(bytes == null ? new byte[]{ 1 } : bytes);
            digest.update((byte)0);
        }
        final byte[] sum = digest.digest();
        long h = 0;
        for (int i = 0; i < Long.BYTES; i++)
        {
            h = h << 8 | (sum[i] & 0xff);
        }
        return h;
    }

    /**
     * @param job a job instance.
     * @return the classes whose code counts, by name (sorted, so the hash does not depend on discovery order).
     */
    static Map<String, Class<?>> classes(final ChunkJob<?> job)
    {
        final Map<String, Class<?>> found = new TreeMap<>();
        final Deque<Class<?>> roots = new ArrayDeque<>();
        roots.add(job.getClass());
        roots.add(elementClass(job.newAccumulator().getClass()));
        roots.add(job.codec().getClass());
        while (!roots.isEmpty())
        {
            final Class<?> type = roots.poll();
            if (type.isPrimitive() || isJdk(type) || found.containsKey(type.getName()))
            {
                continue;
            }
            for (final Class<?> member : nest(type))
            {
                if (!isJdk(member) && found.putIfAbsent(member.getName(), member) == null)
                {
                    if (member.getSuperclass() != null)
                    {
                        roots.add(member.getSuperclass()); // an interface's is null: it has none
                    }
                    roots.addAll(List.of(member.getInterfaces()));
                }
            }
        }
        return found;
    }

    private static Class<?>[] nest(final Class<?> type)
    {
        try
        {
            return type.getNestHost().getNestMembers(); // the top-level class and every class nested in it
        }
        catch (final LinkageError | SecurityException ex)
        {
            return new Class<?>[]{ type }; // a nest member that cannot be loaded: the class alone still counts
        }
    }

    private static Class<?> elementClass(final Class<?> type)
    {
        Class<?> element = type;
        while (element.isArray())
        {
            element = element.getComponentType();
        }
        return element;
    }

    private static boolean isJdk(final Class<?> type)
    {
        final ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    /**
     * @return the class file as its class loader finds it now, or null when it has none (a hidden or generated
     *     class) or it cannot be read.
     */
    private static byte[] classFile(final Class<?> type)
    {
        final String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource))
        {
            return in == null ? null : in.readAllBytes();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("no SHA-256 in this JVM", ex);
        }
    }
}
