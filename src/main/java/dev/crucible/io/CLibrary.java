package dev.crucible.io;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Functions of the platform's C library, called through FFM downcalls where the JDK offers no API: {@code madvise}
 * to read inputs ahead, {@code malloc} for output buffers that need no zeroing, the page-cache queries and control
 * of the roofline's link probes. Native access is enabled by the launchers ({@code --enable-native-access=ALL-UNNAMED}).
 */
public final class CLibrary {
    private CLibrary() {
    }

    /** The C library's function {@code name} with the signature {@code descriptor}, if the library has it. */
    @SuppressWarnings("restricted")
    public static Optional<MethodHandle> function(String name, FunctionDescriptor descriptor,
                                                  Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find(name).map(symbol -> linker.downcallHandle(symbol, descriptor, options));
    }
}
