package dev.crucible.exec;

import dev.crucible.CrucibleException;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Where the merging pipelines hand results to the writer, one slot per job in the writer's order: a pipeline gives
 * job k's bytes, the writer takes them when it reaches k, and says when it has written them, so that the pipeline
 * may reuse the buffer. The first failure, in a pipeline or in the writer, fails every slot, so no thread waits
 * for work that will never come, and the writer rethrows it.
 */
final class Handoff implements AutoCloseable {
    private final CompletableFuture<MemorySegment>[] results;
    private final CompletableFuture<Void>[] written;
    private volatile Throwable failure;

    @SuppressWarnings("unchecked")
    Handoff(int jobs) {
        results = new CompletableFuture[jobs];
        written = new CompletableFuture[jobs];
        for (int k = 0; k < jobs; k++) {
            results[k] = new CompletableFuture<>();
            written[k] = new CompletableFuture<>();
        }
    }

    void give(int job, MemorySegment bytes) {
        results[job].complete(bytes);
    }

    /** Job {@code job}'s bytes, once merged; rethrows the failure that stopped the merge. */
    MemorySegment take(int job) {
        return await(results[job]);
    }

    void written(int job) {
        written[job].complete(null);
    }

    /** Waits until job {@code job} (-1: none) has been written. */
    void awaitWritten(int job) {
        if (job >= 0) {
            await(written[job]);
        }
    }

    boolean failed() {
        return failure != null;
    }

    /** Records the first failure and wakes every thread waiting on a slot. */
    synchronized void fail(Throwable e) {
        if (failure == null) {
            failure = e;
        }
        for (int k = 0; k < results.length; k++) {
            results[k].completeExceptionally(failure);
            written[k].completeExceptionally(failure);
        }
    }

    /** Fails what is left, so a pipeline still waiting stops (the writer returned early, or is done). */
    @Override
    public void close() {
        fail(new CrucibleException("the merge stopped"));
    }

    private static <T> T await(CompletableFuture<T> slot) {
        try {
            return slot.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case RuntimeException r -> throw r;
                case Error r -> throw r;
                default -> throw e;
            }
        }
    }
}
