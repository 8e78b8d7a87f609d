package dev.crucible.exec;

import dev.crucible.io.Prefetch;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Reads the inputs of the next tensor into memory while the current one is merged ({@link Prefetch}): from the disk
 * when they are not cached, into the page tables either way, so the engine's threads find them mapped. Two threads,
 * so that inputs in different files (models, shards) load in parallel. Only reads; a failure here is left for the
 * merge itself to meet and report.
 */
final class Prefetcher implements AutoCloseable {
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "crucible-prefetch");
        t.setDaemon(true);
        return t;
    });

    /** Starts bringing {@code ranges} in, in the background. */
    void ahead(List<MemorySegment> ranges) {
        for (MemorySegment range : ranges) {
            threads.execute(() -> {
                try {
                    Prefetch.populate(range);
                } catch (RuntimeException e) {
                    // a file closed or gone: the merge reads it itself and says what is wrong
                }
            });
        }
    }

    /** Waits for the reads under way, so no thread touches the mapped files once they are closed. */
    @Override
    public void close() {
        threads.shutdownNow();
        try {
            threads.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
