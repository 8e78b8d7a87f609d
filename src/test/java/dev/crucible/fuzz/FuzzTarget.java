package dev.crucible.fuzz;

import com.sun.management.ThreadMXBean;
import dev.crucible.CrucibleException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One entry point that reads untrusted input, and the contract every input is held to: the call returns, or
 * throws the entry point's own exception with one line naming the input; anything else (a runtime exception, an
 * error, a hang, seconds of CPU time, allocation out of proportion to the input) is a finding, reported as an
 * AssertionError.
 *
 * <p>Calls run on a worker thread, so a hang is cut off, and the thread's CPU time and allocation counters
 * measure the call alone. The allocation budget is a function of the input's bytes: a reader that sized a buffer
 * from a length the input declares, rather than from the bytes it has, exceeds it by orders of magnitude.
 */
final class FuzzTarget {
    /** CPU time one call may use: inputs take milliseconds, the largest a second or two. */
    private static final Duration CPU_LIMIT = Duration.ofSeconds(10);
    /**
     * Wall time after which a call counts as hung, blocked or looping. Generous, because a busy or virtual machine
     * can stall a thread for a long time (the CPU limit is what bounds the work an input causes).
     */
    private static final Duration WALL_LIMIT = Duration.ofSeconds(60);
    /** Long enough for a path and a quoted name; CrucibleException shortens anything longer. */
    private static final int MAX_MESSAGE = CrucibleException.MAX_MESSAGE_LENGTH;
    private static final int PREVIEW_BYTES = 300;
    private static final Path FINDINGS = Path.of("target", "fuzz-findings");
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** The most a call may allocate for an input. */
    @FunctionalInterface
    interface AllocationBudget {
        long limit(byte[] input);

        /** {@code perInputByte} times the input's size plus {@code fixed}. */
        static AllocationBudget linear(long perInputByte, long fixed) {
            return input -> perInputByte * input.length + fixed;
        }
    }

    /** The call under test; its result, if any, is closed when it is AutoCloseable. */
    @FunctionalInterface
    interface Call {
        Object run() throws Exception;
    }

    private record Outcome(Throwable thrown, long allocatedBytes, long cpuNanos) {
    }

    private static ExecutorService worker = newWorker();

    private final String entryPoint;
    private final Class<? extends CrucibleException> allowed;
    private final AllocationBudget budget;

    /**
     * @param entryPoint names the call in findings, e.g. {@code SafetensorsHeader.parse}
     * @param allowed    the only exception type the call may throw
     */
    FuzzTarget(String entryPoint, Class<? extends CrucibleException> allowed, AllocationBudget budget) {
        this.entryPoint = entryPoint;
        this.allowed = allowed;
        this.budget = budget;
    }

    /**
     * Runs {@code call} on one input and checks the contract.
     *
     * @param input the input's bytes: the allocation budget is measured against them, findings show them
     * @param named a message must contain this (the file's name as the call was given it)
     */
    void check(byte[] input, String named, Call call) {
        Outcome outcome = runWithTimeLimit(input, call);
        Throwable thrown = outcome.thrown();
        if (thrown != null && !allowed.isInstance(thrown)) {
            throw finding("threw " + thrown, input, thrown);
        }
        if (thrown != null) {
            String message = thrown.getMessage();
            if (message == null || message.contains("\n") || message.contains("\r")) {
                throw finding("gave a message that is not one line: " + message, input, thrown);
            }
            if (!message.contains(named) || message.length() > MAX_MESSAGE) {
                throw finding("gave a message that does not name " + named + " in one short line: " + message,
                        input, thrown);
            }
        }
        if (outcome.cpuNanos() > CPU_LIMIT.toNanos()) {
            throw finding(String.format("used %.1f s of CPU time, over the %d s limit", outcome.cpuNanos() / 1e9,
                    CPU_LIMIT.toSeconds()), input, thrown);
        }
        long limit = budget.limit(input);
        if (outcome.allocatedBytes() > limit) {
            throw finding("allocated " + outcome.allocatedBytes() + " bytes for a " + input.length + "-byte input"
                    + " (budget " + limit + ")", input, thrown);
        }
    }

    private Outcome runWithTimeLimit(byte[] input, Call call) {
        Future<Outcome> future = worker.submit(() -> measure(call));
        try {
            return future.get(WALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            // The stuck thread may never return; later inputs get a fresh one.
            worker.shutdownNow();
            worker = newWorker();
            throw finding("did not return within " + WALL_LIMIT.toSeconds() + " s", input, null);
        } catch (ExecutionException e) {
            throw new AssertionError("the harness failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Outcome measure(Call call) {
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        long cpu = THREADS.getCurrentThreadCpuTime();
        Throwable thrown = null;
        try {
            if (call.run() instanceof AutoCloseable result) {
                result.close();
            }
        } catch (Throwable t) { // OutOfMemoryError and StackOverflowError are findings too
            thrown = t;
        }
        return new Outcome(thrown, THREADS.getCurrentThreadAllocatedBytes() - bytes,
                THREADS.getCurrentThreadCpuTime() - cpu);
    }

    /** The failure, with the input saved under target/fuzz-findings so it can be replayed or made a test. */
    private AssertionError finding(String what, byte[] input, Throwable cause) {
        String saved;
        try {
            Path file = FINDINGS.resolve(entryPoint + "-" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(input), 0, 8));
            Files.createDirectories(FINDINGS);
            Files.write(file, input);
            saved = file.toString();
        } catch (IOException | NoSuchAlgorithmException e) {
            saved = "not saved: " + e;
        }
        return new AssertionError(entryPoint + " " + what + "; input (" + input.length + " bytes, " + saved + "): "
                + preview(input), cause);
    }

    /** The input's start as printable text, other bytes as \xNN. */
    private static String preview(byte[] input) {
        StringBuilder out = new StringBuilder();
        String text = new String(input, 0, Math.min(input.length, PREVIEW_BYTES), StandardCharsets.ISO_8859_1);
        for (char c : text.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\x%02x", (int) c));
            }
        }
        return input.length > PREVIEW_BYTES ? out + "..." : out.toString();
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-target");
            t.setDaemon(true);
            return t;
        });
    }
}
