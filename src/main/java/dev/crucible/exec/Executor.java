package dev.crucible.exec;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.backend.Backend;
import dev.crucible.backend.DeviceTensor;
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
 * is complete. Only one job's tensors are in memory at a time.
 */
public final class Executor {
    private final MergePlan plan;
    private final Backend backend;
    private final Warnings warnings;
    private final Progress progress;

    public Executor(MergePlan plan, Backend backend, Warnings warnings, Progress progress) {
        this.plan = plan;
        this.backend = backend;
        this.warnings = warnings;
        this.progress = progress;
    }

    /** Writes every shard of {@code shards} into {@code outDir}; returns the final shard paths. */
    public List<Path> writeShards(ShardPlan shards, Path outDir) {
        Map<String, TensorJob> byName = new HashMap<>();
        for (TensorJob job : plan.jobs()) {
            byName.put(job.name(), job);
        }
        List<Path> written = new ArrayList<>();
        for (ShardPlan.Shard shard : shards.shards()) {
            try (ShardWriter writer = ShardWriter.create(outDir, shard)) {
                for (TensorInfo t : shard.layout().tensors()) {
                    TensorJob job = byName.get(t.name());
                    run(job, writer);
                    progress.tensorDone(moved(job));
                }
                written.add(writer.finish());
            }
        }
        return written;
    }

    private void run(TensorJob job, ShardWriter writer) {
        if (job.kind() == TensorJob.Kind.COPY) {
            writer.write(job.name(), identicalCopySource(job));
            return;
        }
        try (MergeContext ctx = context(job)) {
            MergeResult result = plan.method().merge(ctx);
            switch (result) {
                case MergeResult.Unchanged u when u.input().dtype() == job.dtype() ->
                        writer.write(job.name(), u.input().bytes());
                case MergeResult.Unchanged u -> store(job, ctx.load(u.input()), writer);
                case MergeResult.Computed c -> {
                    try (DeviceTensor r = c.tensor()) {
                        store(job, r, writer);
                    }
                }
            }
        }
    }

    private void store(TensorJob job, DeviceTensor result, ShardWriter writer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(Math.max(1, job.outputBytes()), 8).asSlice(0, job.outputBytes());
            backend.store(result, job.dtype(), out);
            writer.write(job.name(), out);
        }
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

    private MergeContext context(TensorJob job) {
        List<MergeContext.Input> inputs = new ArrayList<>();
        for (JobInput in : job.inputs()) {
            inputs.add(input(in));
        }
        return new MergeContext(job.name(), backend, inputs, job.base() == null ? null : input(job.base()),
                job.global(), warnings);
    }

    private MergeContext.Input input(JobInput in) {
        TensorInfo info = in.info();
        return new MergeContext.Input(label(in), in.tensor(), in.isBase(), info.dtype(), data(in), info.numel(),
                in.params());
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
