package dev.crucible.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Where the CPU kernels run: on the calling thread (the reference engine) or spread over a pool (the vectorised
 * engine). Kernels are pure functions of their range, and reductions combine chunk partials in a fixed order, so
 * which thread runs which piece never changes a bit of the result.
 */
abstract class Runner implements AutoCloseable {
    /** Elements per parallel task: large enough to amortise dispatch, small enough to balance two cores. */
    static final long PIECE = 1 << 20;

    /** A kernel over elements {@code [from, to)}. */
    @FunctionalInterface
    interface RangeTask {
        void run(long from, long to);
    }

    /** A kernel over elements {@code [from, to)} that returns a partial result. */
    @FunctionalInterface
    interface RangeFunction<T> {
        T apply(long from, long to);
    }

    /** Runs {@code task} over {@code [0, n)} in pieces whose starts are multiples of {@code align}. */
    void ranges(long n, long align, RangeTask task) {
        mapRanges(n, align, (from, to) -> {
            task.run(from, to);
            return null;
        });
    }

    /**
     * {@code task} over {@code [0, n)} in pieces whose starts are multiples of {@code align}; the pieces' results in
     * element order (none when {@code n == 0}).
     */
    abstract <T> List<T> mapRanges(long n, long align, RangeFunction<T> task);

    /** {@code task(i)} for {@code i} in {@code [0, count)}, in index order. */
    abstract <T> List<T> map(int count, IntFunction<T> task);

    @Override
    public abstract void close();

    static Runner callingThread() {
        return new Runner() {
            @Override
            <T> List<T> mapRanges(long n, long align, RangeFunction<T> task) {
                List<T> out = new ArrayList<>(1);
                if (n > 0) {
                    out.add(task.apply(0, n));
                }
                return out;
            }

            @Override
            <T> List<T> map(int count, IntFunction<T> task) {
                List<T> out = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    out.add(task.apply(i));
                }
                return out;
            }

            @Override
            public void close() {
            }
        };
    }

    static Runner pool(int threads) {
        return new PoolRunner(threads);
    }

    private static final class PoolRunner extends Runner {
        private final ExecutorService pool;

        PoolRunner(int threads) {
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "crucible-cpu");
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        <T> List<T> mapRanges(long n, long align, RangeFunction<T> task) {
            long piece = Math.max(align, (PIECE + align - 1) / align * align);
            List<Callable<T>> tasks = new ArrayList<>();
            for (long from = 0; from < n; from += piece) {
                long start = from;
                long end = Math.min(n, from + piece);
                tasks.add(() -> task.apply(start, end));
            }
            return await(tasks);
        }

        @Override
        <T> List<T> map(int count, IntFunction<T> task) {
            List<Callable<T>> tasks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = i;
                tasks.add(() -> task.apply(index));
            }
            return await(tasks);
        }

        private <T> List<T> await(List<Callable<T>> tasks) {
            if (tasks.size() == 1) {
                // no hand-off for a single piece; a Void task's null result is allowed in the list
                try {
                    List<T> one = new ArrayList<>(1);
                    one.add(tasks.getFirst().call());
                    return one;
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            try {
                List<T> out = new ArrayList<>(tasks.size());
                for (Future<T> f : pool.invokeAll(tasks)) {
                    out.add(f.get());
                }
                return out;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
