package dev.crucible.roofline;

import dev.crucible.CrucibleException;
import dev.crucible.io.CLibrary;
import dev.crucible.io.IoErrors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * The Linux page cache's hold on files, through the C library (FFM downcalls). {@link #residency} asks
 * {@code mincore} over a mapping of a file which of its pages are cached, without changing anything.
 * {@link #evict} drops files from the cache so that the next read comes from the disk (the bench's cold runs): for
 * each file {@code open(O_RDONLY)}, {@code fdatasync} (dirty pages cannot be dropped),
 * {@code posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)} and {@code close}; then {@code mincore} checks that the pages
 * are really gone (tmpfs, for one, accepts the advice and keeps them). Any failure is a {@link CrucibleException}
 * whose message says why, for "disk read: not measured (why)".
 */
public final class PageCache {
    /** At most this fraction of the pages may stay resident after eviction (another process may be reading). */
    public static final double MAX_RESIDENT = 0.05;

    private static final int O_RDONLY = 0;
    /** {@code POSIX_FADV_DONTNEED} of glibc's {@code bits/fcntl.h}: 6 on 64-bit s390, 4 everywhere else. */
    private static final int POSIX_FADV_DONTNEED = System.getProperty("os.arch").equals("s390x") ? 6 : 4;

    private PageCache() {
    }

    /**
     * Which pages of one file are in the page cache.
     *
     * @param bytes  the file's size
     * @param cached bit i stands for bytes [i·{@link #pageSize}, (i + 1)·pageSize)
     */
    public record Residency(long bytes, BitSet cached) {
        public long pages() {
            return Math.ceilDiv(bytes, pageSize());
        }
    }

    /** Evicts every file, then checks that at most {@link #MAX_RESIDENT} of their pages are still cached. */
    public static void evict(List<Path> files) {
        for (Path file : files) {
            evict(file);
        }
        double resident = resident(files);
        if (resident > MAX_RESIDENT) {
            throw new CrucibleException(String.format(Locale.ROOT,
                    "POSIX_FADV_DONTNEED left %.0f%% of the files in the page cache", 100 * resident));
        }
    }

    /** The fraction of the files' pages that are in the page cache. */
    public static double resident(List<Path> files) {
        long pages = 0;
        long cached = 0;
        for (Path file : files) {
            Residency r = residency(file);
            pages += r.pages();
            cached += r.cached().cardinality();
        }
        return pages == 0 ? 0 : (double) cached / pages;
    }

    /** Asks {@code mincore} which pages of {@code file} are cached, over a read-only mapping of the file. */
    public static Residency residency(Path file) {
        Libc libc = Libc.get();
        BitSet cached = new BitSet();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size > 0) {
                long n = Math.ceilDiv(size, libc.pageSize);
                MemorySegment vector = arena.allocate(n);
                MemorySegment state = arena.allocate(Libc.CALL_STATE);
                int rc = (int) Libc.invoke(libc.mincore, state, ch.map(FileChannel.MapMode.READ_ONLY, 0, size,
                        arena), size, vector);
                libc.check(rc, state, "mincore", file);
                for (int i = 0; i < n; i++) {
                    if ((vector.get(ValueLayout.JAVA_BYTE, i) & 1) != 0) {
                        cached.set(i);
                    }
                }
            }
            return new Residency(size, cached);
        } catch (IOException e) {
            throw new CrucibleException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
    }

    /** The size of a page of memory, the unit of the page cache. */
    public static long pageSize() {
        return Libc.get().pageSize;
    }

    private static void evict(Path file) {
        Libc libc = Libc.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int fd = (int) Libc.invoke(libc.open, state, arena.allocateFrom(file.toString()), O_RDONLY, 0);
            libc.check(fd, state, "open", file);
            try {
                libc.check((int) Libc.invoke(libc.fdatasync, state, fd), state, "fdatasync", file);
                int error = (int) Libc.invoke(libc.fadvise, fd, 0L, 0L, POSIX_FADV_DONTNEED);
                if (error != 0) {
                    throw new CrucibleException("posix_fadvise " + file + ": " + libc.strerror(error));
                }
            } finally {
                Libc.invoke(libc.close, fd);
            }
        }
    }

    /** The C library functions, looked up on first use (a failed lookup is retried on the next). */
    @SuppressWarnings("restricted") // native access is enabled by the launchers (--enable-native-access=ALL-UNNAMED)
    private static final class Libc {
        static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
        private static Libc loaded;

        final MethodHandle open = handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
        final MethodHandle fdatasync = handle("fdatasync",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO_OPTION);
        final MethodHandle fadvise = handle("posix_fadvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        final MethodHandle close = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        final MethodHandle mincore = handle("mincore", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), ERRNO_OPTION);
        final long pageSize = (int) invoke(handle("getpagesize", FunctionDescriptor.of(ValueLayout.JAVA_INT)));
        private final MethodHandle strerror = handle("strerror",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

        static synchronized Libc get() {
            if (loaded == null) {
                loaded = new Libc();
            }
            return loaded;
        }

        private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            return CLibrary.function(name, descriptor, options)
                    .orElseThrow(() -> new CrucibleException("the C library has no " + name + "()"));
        }

        static Object invoke(MethodHandle handle, Object... args) {
            try {
                return handle.invokeWithArguments(args);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** Throws, naming {@code call}, {@code file} and errno's text, when {@code rc} is negative. */
        void check(int rc, MemorySegment state, String call, Path file) {
            if (rc < 0) {
                throw new CrucibleException(call + " " + file + ": " + strerror((int) ERRNO.get(state, 0L)));
            }
        }

        String strerror(int errno) {
            return ((MemorySegment) invoke(strerror, errno)).reinterpret(Long.MAX_VALUE).getString(0);
        }
    }
}
