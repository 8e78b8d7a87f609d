package dev.crucible.exec;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.ShardPlan;
import dev.crucible.io.TensorInfo;
import dev.crucible.method.MergeContext;
import dev.crucible.method.MergeResult;
import dev.crucible.plan.JobInput;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.TensorJob;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a plan's tensor jobs on one or more engines and streams the results into output shards.
 *
 * <p>The shard layout is fixed before any data is read (formats.md §6.3), so each shard is written front to back:
 * the calling thread is the writer, which takes the results in the shards' data order and scans, checksums and writes
 * each ({@link ShardStream}), under a temporary name until its shard is complete. Each engine has a pipeline: a thread
 * that takes the next job, merges it into one of its two output buffers and hands the result to the writer, so that
 * merging tensor i overlaps writing tensor i − 1; a buffer is merged into again only once the writer is done with
 * it. Several engines ({@code --devices}) take jobs from one queue, each in its own pipeline, and share the writer.
 * Two prefetch threads ({@link Prefetcher}) read the inputs of the next job into memory. Inputs are read straight
 * from the mapped files, so memory beyond the page cache is two of the largest output tensor per engine ({@link
 * #hostBytes}); under a host budget too small for that, one buffer each, and merging and writing take turns. The
 * bytes written never depend on which engine merged what, or when, so neither does the output.
 */
public final class Executor {
    /** Output buffers: one being computed into while the writer drains the other. */
    public static final int BUFFERS = 2;

    /**
     * What a merge may do beyond its defaults.
     *
     * @param strict     NaN/Inf in an input or output tensor is an error rather than a warning
     * @param hostBudget bytes of output buffers the executor may hold ({@code --max-host-memory})
     */
    public record Options(boolean strict, long hostBudget) {
        public static final Options DEFAULT = new Options(false, Long.MAX_VALUE);
    }

    /**
     * Work left: tensors to compute and bytes to move.
     *
     * @param bytes   read + written, as progress counts them: an input shared by several tensors once for each
     * @param read    R of the roofline: the distinct input tensors those tensors read
     * @param written W of the roofline: their output bytes
     */
    public record Work(int tensors, long bytes, long read, long written) {
    }

    private final MergePlan plan;
    private final List<Backend> backends;
    private final long seed;
    private final Warnings warnings;
    private final Progress progress;
    private final FiniteCheck finite;
    private final long hostBudget;
    private long hostBytes;

    public Executor(MergePlan plan, Backend backend, long seed, Warnings warnings, Progress progress) {
        this(plan, List.of(backend), seed, warnings, progress, Options.DEFAULT);
    }

    /** An executor whose jobs are spread over {@code backends}, one pipeline each. */
    public Executor(MergePlan plan, List<Backend> backends, long seed, Warnings warnings, Progress progress,
                    Options options) {
        this.plan = plan;
        this.backends = List.copyOf(backends);
        this.seed = seed;
        this.warnings = warnings;
        this.progress = progress;
        this.finite = new FiniteCheck(plan, warnings, options.strict());
        this.hostBudget = options.hostBudget();
    }

    /** Bytes of output buffers the last {@link #writeShards} held: its host memory beyond the page cache. */
    public long hostBytes() {
        return hostBytes;
    }

    /**
     * How many output buffers of {@code largest} bytes a budget allows: two, or one (no overlap of merging and
     * writing), or none, which is an error naming what the largest tensor needs.
     */
    static int buffers(long largest, long budget, String largestName) {
        if (largest <= budget / BUFFERS) {
            return BUFFERS;
        }
        if (largest <= budget) {
            return 1;
        }
        throw new CrucibleException("--max-host-memory " + Sizes.human(budget) + " is below the largest output tensor, "
                + largestName + " (" + Sizes.human(largest) + "); allow at least that much");
    }

    /**
     * Writes the shards of {@code shards} that {@code log} does not hold complete into {@code outDir}, recording each
     * in the log once committed; returns the final paths of all shards.
     *
     * @throws dev.crucible.CrucibleException if an input file changes during the merge (before the shard in
     *                                        progress is committed, or at the end)
     */
    public List<Path> writeShards(ShardPlan shards, Path outDir, ShardLog log) {
        Map<String, TensorJob> byName = byName(plan);
        InputWatch inputs = InputWatch.of(plan);
        List<TensorJob> order = new ArrayList<>();
        for (ShardPlan.Shard shard : shards.shards()) {
            if (!log.isComplete(shard)) {
                shard.layout().tensors().forEach(t -> order.add(byName.get(t.name())));
            }
        }
        TensorJob largest = order.stream().max(Comparator.comparingLong(TensorJob::outputBytes)).orElse(null);
        long size = HostBuffer.footprint(Math.max(8, largest == null ? 0 : largest.outputBytes()));
        int count = buffers(size, hostBudget / backends.size(), largest == null ? "" : largest.name());
        hostBytes = (long) backends.size() * count * size;
        List<Path> written = new ArrayList<>();
        // shared, so the engines' worker threads may fill the buffers and the writer drain them
        try (Arena arena = Arena.ofShared();
             ShardStream stream = new ShardStream(outDir, log, inputs, finite, progress);
             Prefetcher prefetcher = new Prefetcher();
             Handoff handoff = new Handoff(order.size())) {
            AtomicInteger next = new AtomicInteger();
            List<Thread> pipelines = new ArrayList<>();
            for (int e = 0; e < backends.size(); e++) {
                Backend backend = backends.get(e);
                MemorySegment[] buffers = new MemorySegment[count];
                for (int b = 0; b < count; b++) {
                    buffers[b] = HostBuffer.allocate(arena, size);
                }
                pipelines.add(Thread.ofPlatform().name("crucible-merge-" + e).daemon().start(() ->
                        pipeline(backend, buffers, order, next, handoff, prefetcher)));
            }
            try {
                int k = 0;
                for (ShardPlan.Shard shard : shards.shards()) {
                    written.add(outDir.resolve(shard.fileName()));
                    if (log.isComplete(shard)) {
                        continue;
                    }
                    stream.open(shard);
                    for (int t = 0; t < shard.layout().tensors().size(); t++, k++) {
                        stream.write(order.get(k), handoff.take(k));
                        handoff.written(k);
                    }
                    stream.commit(shard);
                }
            } catch (RuntimeException | Error e) {
                handoff.fail(e);
                throw e;
            } finally {
                for (Thread t : pipelines) {
                    joinUninterruptibly(t);
                }
            }
        }
        inputs.check();
        return written;
    }

    /**
     * One engine's pipeline: takes the next job from the shared queue, merges it into its buffers in turn and hands
     * the result on; stops at the end of the queue or at the first failure, its own or the writer's.
     */
    private void pipeline(Backend backend, MemorySegment[] buffers, List<TensorJob> order, AtomicInteger next,
                          Handoff handoff, Prefetcher prefetcher) {
        int[] lastJob = new int[buffers.length];
        Arrays.fill(lastJob, -1);
        int k = -1;
        try {
            for (int turn = 0; !handoff.failed() && (k = next.getAndIncrement()) < order.size(); turn++) {
                TensorJob job = order.get(k);
                if (k + 1 < order.size()) {
                    prefetcher.ahead(inputsOf(order.get(k + 1)));
                }
                int b = turn % buffers.length;
                handoff.awaitWritten(lastJob[b]);
                finite.checkInputs(job);
                handoff.give(k, run(backend, job, buffers[b]));
                lastJob[b] = k;
            }
        } catch (RuntimeException | Error e) {
            handoff.fail(e);
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What {@link #writeShards(ShardPlan, Path, ShardLog)} has to do: the shards the log does not hold complete. */
    public static Work remaining(MergePlan plan, ShardPlan shards, ShardLog log) {
        Map<String, TensorJob> byName = byName(plan);
        List<TensorJob> jobs = new ArrayList<>();
        for (ShardPlan.Shard shard : shards.shards()) {
            if (!log.isComplete(shard)) {
                for (TensorInfo t : shard.layout().tensors()) {
                    jobs.add(byName.get(t.name()));
                }
            }
        }
        return new Work(jobs.size(), jobs.stream().mapToLong(ShardStream::moved).sum(),
                TensorJob.distinctInputBytes(jobs), jobs.stream().mapToLong(TensorJob::outputBytes).sum());
    }

    private static Map<String, TensorJob> byName(MergePlan plan) {
        Map<String, TensorJob> byName = new HashMap<>();
        for (TensorJob job : plan.jobs()) {
            byName.put(job.name(), job);
        }
        return byName;
    }

    /** The bytes of one output tensor: copied input bytes, or the method's result in {@code buffer}. */
    private MemorySegment run(Backend backend, TensorJob job, MemorySegment buffer) {
        if (job.kind() == TensorJob.Kind.COPY) {
            return identicalCopySource(job);
        }
        backend.beginTensor();
        try {
            return merge(backend, job, buffer);
        } finally {
            backend.endTensor();
        }
    }

    private MemorySegment merge(Backend backend, TensorJob job, MemorySegment buffer) {
        Operand out = new Operand(job.dtype(), buffer.asSlice(0, job.outputBytes()), job.numel());
        MergeContext ctx = new MergeContext(job.name(), job.shape(), backend, job.inputs().stream()
                .map(in -> input(in, job.numel())).toList(), job.base() == null ? null : input(job.base(),
                job.numel()), job.global(), out, seed, warnings);
        return switch (plan.method().merge(ctx)) {
            case MergeResult.Written w -> out.bytes();
            case MergeResult.Unchanged u when u.input().data().dtype() == job.dtype() ->
                    u.input().data().bytes().asSlice(0, job.outputBytes());
            case MergeResult.Unchanged u -> {
                // only the dtype changes: r = 1·x rounds each element once to the output dtype
                backend.blend(null, new Operand[] {u.input().data()}, new float[] {1f},
                        FibreLayout.whole(job.numel()), out);
                yield out.bytes();
            }
        };
    }

    /** Integer and boolean tensors are never merged: every input must hold the same bytes (N1). */
    private MemorySegment identicalCopySource(TensorJob job) {
        List<JobInput> all = job.allInputs();
        JobInput source = all.stream().filter(JobInput::isBase).findFirst().orElse(all.getFirst());
        MemorySegment bytes = data(source);
        for (JobInput other : all) {
            if (other != source && data(other).mismatch(bytes) != -1) {
                throw new CrucibleException(job.name() + ": " + source.info().dtype() + " tensors are copied, not"
                        + " merged, but " + label(other) + " differs from " + label(source));
            }
        }
        return bytes;
    }

    /** An input as the method sees it: its first {@code numel} elements (fewer when embeddings were rectified). */
    private MergeContext.Input input(JobInput in, long numel) {
        return new MergeContext.Input(label(in), in.source(), in.tensor(), in.isBase(),
                new Operand(in.info().dtype(), data(in), numel), in.params());
    }

    /** The mapped bytes of a job's inputs. */
    private List<MemorySegment> inputsOf(TensorJob job) {
        return job.allInputs().stream().map(this::data).toList();
    }

    private MemorySegment data(JobInput in) {
        Checkpoint c = plan.models().get(in.model()).checkpoint();
        return c.data(in.tensor());
    }

    private String label(JobInput in) {
        return plan.models().get(in.model()).label();
    }
}
