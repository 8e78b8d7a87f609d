package dev.crucible.backend.opencl;

import dev.crucible.backend.device.Device;
import dev.crucible.io.CLibrary;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After probing OpenCL, building the program and running a kernel (on PoCL in CI, whose LLVM installs its own
 * handlers), the signals the JVM handles still go to the JVM: the handler of each lies in {@code libjvm} (or a
 * preloaded {@code libjsig}), and no interrupt or termination signal goes to LLVM or PoCL.
 */
class JvmSignalsTest {
    private static final Map<Integer, String> JVM_SIGNALS = Map.of(4, "SIGILL", 7, "SIGBUS", 8, "SIGFPE",
            11, "SIGSEGV", 12, "SIGUSR2");
    private static final Map<Integer, String> SHUTDOWN_SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 15, "SIGTERM");
    private static final MethodHandle SIGACTION = function("sigaction", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle DLADDR = function("dladdr", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    @Test
    void openClLeavesTheJvmItsSignals() throws Throwable {
        try (Device device = new OpenClDevice(OpenClDeviceTest.usableDevice());
             Device.Buffer b = device.allocate(64)) {
            device.launch("fill_u8", 1, b, 5, 64L);
            device.download(b, 0, MemorySegment.ofArray(new byte[64]));
        }
        for (Map.Entry<Integer, String> s : JVM_SIGNALS.entrySet()) {
            String library = handlerLibrary(s.getKey());
            assertTrue(library.contains("libjvm") || library.contains("libjsig"),
                    s.getValue() + " is handled in " + library);
        }
        for (Map.Entry<Integer, String> s : SHUTDOWN_SIGNALS.entrySet()) {
            String library = handlerLibrary(s.getKey());
            assertFalse(library.contains("LLVM") || library.contains("pocl"), s.getValue() + " is handled in "
                    + library);
        }
    }

    /** The file of the library whose code handles {@code sig}, or what the handler is when it is no code. */
    private static String handlerLibrary(int sig) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment action = arena.allocate(256);
            assertTrue((int) SIGACTION.invokeExact(sig, MemorySegment.NULL, action) == 0);
            long handler = action.get(ValueLayout.JAVA_LONG, 0);
            if (handler == 0 || handler == 1) {
                return handler == 0 ? "SIG_DFL" : "SIG_IGN";
            }
            MemorySegment info = arena.allocate(32);
            if ((int) DLADDR.invokeExact(MemorySegment.ofAddress(handler), info) == 0) {
                return "unknown code at 0x" + Long.toHexString(handler);
            }
            return info.get(ValueLayout.ADDRESS, 0).reinterpret(4096).getString(0);
        }
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return CLibrary.function(name, descriptor).orElseThrow(() -> new AssertionError("no " + name));
    }
}
