package dev.crucible.backend.opencl;

import dev.crucible.io.CLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Keeps the JVM's signal handlers in place across calls that load or initialise an OpenCL implementation. PoCL, the
 * CPU OpenCL of CI machines and laptops, loads LLVM, which installs its own handlers for SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGUSR2, SIGINT, SIGTERM and more when the platform is first queried. The JVM takes SIGSEGV in normal
 * operation (implicit null checks, stack banging) and needs its SIGINT/SIGTERM handlers for shutdown hooks: with
 * LLVM's in their place, a process that had only probed OpenCL died at random with a bare "Segmentation fault" and
 * no error report, and Ctrl-C skipped the interrupted-merge cleanup.
 *
 * <p>The handlers in force when this class initialises (the JVM's, or those of a preloaded {@code libjsig}, which
 * chains for itself) are recorded; after each guarded call any that changed is put back. A library's own handler is
 * then not called; Crucible's kernels do nothing that raises a signal on purpose (PoCL's SIGFPE handler exists for
 * integer division by zero in kernels). Linux only: elsewhere the calls run as they are. Guarded calls are
 * serialised, so one call's changes are never taken for the JVM's by another.
 */
final class JvmSignals {
    private static final Logger LOG = LoggerFactory.getLogger(JvmSignals.class);
    /** Linux's signals 1..31, the classic ones a library installs handlers for. */
    private static final int SIGNALS = 31;
    private static final int SIGKILL = 9;
    private static final int SIGSTOP = 19;
    /** Larger than {@code struct sigaction} on every Linux ABI (152 bytes with glibc on x86-64 and AArch64). */
    private static final long SIGACTION_BYTES = 256;
    private static final Optional<MethodHandle> SIGACTION = CLibrary.linuxFunction("sigaction",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS));
    /** Each signal's action as this class found it; the handler is the struct's first field. */
    private static final MemorySegment RECORDED = SIGACTION.isPresent() ? record() : MemorySegment.NULL;

    private JvmSignals() {
    }

    /** {@code call}'s result, with every signal handler it replaced put back. */
    static synchronized <T> T kept(Supplier<T> call) {
        try {
            return call.get();
        } finally {
            restore();
        }
    }

    private static MemorySegment record() {
        MemorySegment actions = Arena.global().allocate(SIGACTION_BYTES * (SIGNALS + 1));
        for (int sig = 1; sig <= SIGNALS; sig++) {
            if (sig != SIGKILL && sig != SIGSTOP) {
                sigaction(sig, MemorySegment.NULL, action(actions, sig));
            }
        }
        return actions;
    }

    private static void restore() {
        if (SIGACTION.isEmpty()) {
            return;
        }
        List<Integer> replaced = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment now = arena.allocate(SIGACTION_BYTES);
            for (int sig = 1; sig <= SIGNALS; sig++) {
                if (sig == SIGKILL || sig == SIGSTOP) {
                    continue;
                }
                MemorySegment recorded = action(RECORDED, sig);
                if (sigaction(sig, MemorySegment.NULL, now)
                        && now.get(ValueLayout.JAVA_LONG, 0) != recorded.get(ValueLayout.JAVA_LONG, 0)
                        && sigaction(sig, recorded, MemorySegment.NULL)) {
                    replaced.add(sig);
                }
            }
        }
        if (!replaced.isEmpty()) {
            LOG.debug("the OpenCL library replaced the handlers of signals {}; the JVM's are back", replaced);
        }
    }

    private static MemorySegment action(MemorySegment actions, int sig) {
        return actions.asSlice(sig * SIGACTION_BYTES, SIGACTION_BYTES);
    }

    private static boolean sigaction(int sig, MemorySegment act, MemorySegment old) {
        try {
            return (int) SIGACTION.orElseThrow().invokeExact(sig, act, old) == 0;
        } catch (Throwable e) {
            return false;
        }
    }
}
