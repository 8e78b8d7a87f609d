package dev.crucible.io;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Functions of the platform's C library, called through FFM downcalls where the JDK offers no API: {@code madvise}
 * to read inputs ahead, {@code malloc} for output buffers that need no zeroing, the page-cache queries and control
 * of the roofline's link probes. Native access is enabled by the launchers ({@code --enable-native-access=ALL-UNNAMED}).
 */
public final class CLibrary {
    private static final boolean LINUX = System.getProperty("os.name", "").startsWith("Linux");
    /** Linux's {@code madvise}; elsewhere the advice numbers differ, so none is given. */
    private static final Optional<MethodHandle> MADVISE = linuxFunction("madvise",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));

    private CLibrary() {
    }

    /**
     * {@link #function} on Linux, and none elsewhere: for calls whose constants or structures this code knows only
     * in their Linux form.
     */
    public static Optional<MethodHandle> linuxFunction(String name, FunctionDescriptor descriptor) {
        return LINUX ? function(name, descriptor) : Optional.empty();
    }

    /**
     * Linux's {@code madvise(start, length, advice)} for a page-aligned range; false where it failed or there is no
     * such call. Advice only: a caller goes on either way.
     */
    public static boolean madvise(MemorySegment start, long length, int advice) {
        if (MADVISE.isEmpty()) {
            return false;
        }
        try {
            return (int) MADVISE.get().invokeExact(start, length, advice) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The C library's function {@code name} with the signature {@code descriptor}, if the library has it. */
    @SuppressWarnings("restricted")
    public static Optional<MethodHandle> function(String name, FunctionDescriptor descriptor,
                                                  Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name).map(symbol -> linker.downcallHandle(symbol, descriptor, options));
    }
}
