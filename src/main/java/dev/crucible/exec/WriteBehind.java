package dev.crucible.exec;

import dev.crucible.CrucibleException;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The writer thread: runs the writing end of a merge in submission order while the caller computes the next tensors,
 * so that computing, scanning, hashing and writing overlap instead of taking turns. Once a task fails, the tasks
 * after it are skipped and the failure is rethrown to the caller at its next submit or wait, so a full disk stops
 * the merge at once.
 */
final class WriteBehind implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "crucible-writer");
        t.setDaemon(true);
        return t;
    });
    private volatile Throwable failure;

    /** Queues {@code task}; the returned future completes when it has run (or been skipped after a failure). */
    Future<?> submit(Runnable task) {
        rethrowFailure();
        return thread.submit(() -> {
            if (failure != null) {
                return;
            }
            try {
                task.run();
            } catch (Throwable e) {
                failure = e;
            }
        });
    }

    /** Waits until {@code task} (null: none) has run; rethrows any failure so far. */
    void await(Future<?> task) {
        if (task != null) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CrucibleException("interrupted while writing the output");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        rethrowFailure();
    }

    /** Waits until every task submitted so far has run; rethrows any failure. */
    void finish() {
        await(submit(() -> { }));
    }

    private void rethrowFailure() {
        switch (failure) {
            case null -> { }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(failure);
        }
    }

    /** Stops the thread once the tasks already queued have run or been skipped. */
    @Override
    public void close() {
        thread.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (thread.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
