package dev.crucible.exec;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.NonFinite;
import dev.crucible.io.ShardPlan;
import dev.crucible.io.ShardWriter;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a plan's tensor jobs on a backend and streams the results into output shards.
 *
 * <p>The shard layout is fixed before any data is read (formats.md §6.3), so each shard is written front to back:
 * jobs run in the shard's data order and each result goes straight to disk, under a temporary name until the shard
 * is complete. Inputs are read straight from the mapped files and results land in one reused output buffer, so
 * memory beyond the page cache is the largest output tensor.
 *
 * <p>Each tensor is written in chunks small enough to stay in the CPU cache between the NaN/Inf scan ({@link
 * FiniteCheck}) and the copy to the file (whose SHA-256 a background thread computes). Before a shard is committed, the input files are checked to be
 * unchanged ({@link InputWatch}); after, the {@link ShardLog} records it. Shards the log holds complete are skipped.
 */
public final class Executor {
    // a multiple of every element size; small enough that the copy finds in the cache what the scan just read
    private static final long CHUNK = 1L << 20;

    /** Work left: tensors to compute and bytes to move (read + written). */
    public record Work(int tensors, long bytes) {
    }

    private final MergePlan plan;
    private final Backend backend;
    private final long seed;
    private final Warnings warnings;
    private final Progress progress;
    private final FiniteCheck finite;

    public Executor(MergePlan plan, Backend backend, long seed, Warnings warnings, Progress progress) {
        this(plan, backend, seed, warnings, progress, false);
    }

    /** @param strict NaN/Inf in an input or output tensor is an error rather than a warning */
    public Executor(MergePlan plan, Backend backend, long seed, Warnings warnings, Progress progress,
                    boolean strict) {
        this.plan = plan;
        this.backend = backend;
        this.seed = seed;
        this.warnings = warnings;
        this.progress = progress;
        this.finite = new FiniteCheck(plan, warnings, strict);
    }

    /** Writes every shard of {@code shards} into {@code outDir}; returns the final shard paths. */
    public List<Path> writeShards(ShardPlan shards, Path outDir) {
        return writeShards(shards, outDir, ShardLog.NONE);
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
        long largest = plan.jobs().stream().mapToLong(TensorJob::outputBytes).max().orElse(0);
        List<Path> written = new ArrayList<>();
        // shared, so the engine's worker threads may fill it
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(Math.max(8, largest), 8);
            for (ShardPlan.Shard shard : shards.shards()) {
                if (log.isComplete(shard)) {
                    written.add(outDir.resolve(shard.fileName()));
                    continue;
                }
                try (ShardWriter writer = ShardWriter.create(outDir, shard)) {
                    for (TensorInfo t : shard.layout().tensors()) {
                        TensorJob job = byName.get(t.name());
                        finite.checkInputs(job);
                        finite.checkOutput(job, write(writer, job, run(job, buffer)));
                        progress.tensorDone(moved(job));
                    }
                    inputs.check();
                    Path file = writer.finish();
                    log.committed(shard, file, writer.size(), writer.sha256());
                    written.add(file);
                }
            }
        }
        inputs.check();
        return written;
    }

    /** What {@link #writeShards(ShardPlan, Path, ShardLog)} has to do: the shards the log does not hold complete. */
    public static Work remaining(MergePlan plan, ShardPlan shards, ShardLog log) {
        Map<String, TensorJob> byName = byName(plan);
        int tensors = 0;
        long bytes = 0;
        for (ShardPlan.Shard shard : shards.shards()) {
            if (!log.isComplete(shard)) {
                for (TensorInfo t : shard.layout().tensors()) {
                    tensors++;
                    bytes += moved(byName.get(t.name()));
                }
            }
        }
        return new Work(tensors, bytes);
    }

    private static Map<String, TensorJob> byName(MergePlan plan) {
        Map<String, TensorJob> byName = new HashMap<>();
        for (TensorJob job : plan.jobs()) {
            byName.put(job.name(), job);
        }
        return byName;
    }

    /** Writes a tensor chunk by chunk, counting its NaN/Inf values on the way; returns the count. */
    private static long write(ShardWriter writer, TensorJob job, MemorySegment bytes) {
        if (!NonFinite.applies(job.dtype())) {
            writer.write(job.name(), bytes);
            return 0;
        }
        long bad = 0;
        for (long at = 0; at < bytes.byteSize(); at += CHUNK) {
            MemorySegment chunk = bytes.asSlice(at, Math.min(CHUNK, bytes.byteSize() - at));
            bad += NonFinite.count(job.dtype(), chunk);
            writer.write(job.name(), chunk);
        }
        return bad;
    }

    /** The bytes of one output tensor: copied input bytes, or the method's result in {@code buffer}. */
    private MemorySegment run(TensorJob job, MemorySegment buffer) {
        if (job.kind() == TensorJob.Kind.COPY) {
            return identicalCopySource(job);
        }
        backend.beginTensor();
        try {
            return merge(job, buffer);
        } finally {
            backend.endTensor();
        }
    }

    private MemorySegment merge(TensorJob job, MemorySegment buffer) {
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

    private MemorySegment data(JobInput in) {
        Checkpoint c = plan.models().get(in.model()).checkpoint();
        return c.data(in.tensor());
    }

    private String label(JobInput in) {
        return plan.models().get(in.model()).label();
    }

    private static long moved(TensorJob job) {
        long read = 0;
        for (JobInput in : job.allInputs()) {
            read += in.info().byteSize();
        }
        return read + job.outputBytes();
    }
}
