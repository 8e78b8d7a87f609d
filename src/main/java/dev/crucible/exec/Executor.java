package dev.crucible.exec;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.backend.Backend;
import dev.crucible.backend.FibreLayout;
import dev.crucible.backend.Operand;
import dev.crucible.io.Checkpoint;
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
 */
public final class Executor {
    private final MergePlan plan;
    private final Backend backend;
    private final long seed;
    private final Warnings warnings;
    private final Progress progress;

    public Executor(MergePlan plan, Backend backend, long seed, Warnings warnings, Progress progress) {
        this.plan = plan;
        this.backend = backend;
        this.seed = seed;
        this.warnings = warnings;
        this.progress = progress;
    }

    /** Writes every shard of {@code shards} into {@code outDir}; returns the final shard paths. */
    public List<Path> writeShards(ShardPlan shards, Path outDir) {
        Map<String, TensorJob> byName = new HashMap<>();
        for (TensorJob job : plan.jobs()) {
            byName.put(job.name(), job);
        }
        long largest = plan.jobs().stream().mapToLong(TensorJob::outputBytes).max().orElse(0);
        List<Path> written = new ArrayList<>();
        // shared, so the engine's worker threads may fill it
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(Math.max(8, largest), 8);
            for (ShardPlan.Shard shard : shards.shards()) {
                try (ShardWriter writer = ShardWriter.create(outDir, shard)) {
                    for (TensorInfo t : shard.layout().tensors()) {
                        TensorJob job = byName.get(t.name());
                        writer.write(job.name(), run(job, buffer));
                        progress.tensorDone(moved(job));
                    }
                    written.add(writer.finish());
                }
            }
        }
        return written;
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
