package dev.crucible.exec;

import dev.crucible.io.NonFinite;
import dev.crucible.io.ShardPlan;
import dev.crucible.io.ShardWriter;
import dev.crucible.plan.JobInput;
import dev.crucible.plan.TensorJob;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The writing end of a merge: puts finished tensors into the shard in progress, in layout order, and commits each
 * shard once complete. Each tensor is written in chunks small enough to stay in the CPU cache between the NaN/Inf
 * scan ({@link FiniteCheck}) and the copy to the file (which checksums it on the way, CRC-32C). Before a shard
 * is committed, the input files are checked to be unchanged ({@link InputWatch}); after, the {@link ShardLog}
 * records it. Used by one thread at a time, the executor's writer.
 */
final class ShardStream implements AutoCloseable {
    // a multiple of every element size; small enough that the copy finds in the cache what the scan just read
    private static final long CHUNK = 1L << 20;

    private final Path outDir;
    private final ShardLog log;
    private final InputWatch inputs;
    private final FiniteCheck finite;
    private final Progress progress;
    private ShardWriter writer;

    ShardStream(Path outDir, ShardLog log, InputWatch inputs, FiniteCheck finite, Progress progress) {
        this.outDir = outDir;
        this.log = log;
        this.inputs = inputs;
        this.finite = finite;
        this.progress = progress;
    }

    void open(ShardPlan.Shard shard) {
        writer = ShardWriter.create(outDir, shard);
    }

    /** Writes one tensor of the open shard, scanning it for NaN/Inf on the way. */
    void write(TensorJob job, MemorySegment bytes) {
        long bad = 0;
        boolean scan = NonFinite.applies(job.dtype());
        for (long at = 0; at < bytes.byteSize(); at += CHUNK) {
            MemorySegment chunk = bytes.asSlice(at, Math.min(CHUNK, bytes.byteSize() - at));
            bad += scan ? NonFinite.count(job.dtype(), chunk) : 0;
            writer.write(job.name(), chunk);
        }
        finite.checkOutput(job, bad);
        progress.tensorDone(moved(job));
    }

    /** Commits the open shard: inputs unchanged, flushed, renamed, recorded in the log. */
    void commit(ShardPlan.Shard shard) {
        inputs.check();
        Path file = writer.finish();
        log.committed(shard, file, writer.size(), writer.crc32c());
        writer.close();
        writer = null;
    }

    /** Abandons an unfinished shard: its temporary file is deleted. */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    /** Bytes a job moves: its inputs read and its output written. */
    static long moved(TensorJob job) {
        long read = 0;
        for (JobInput in : job.allInputs()) {
            read += in.info().byteSize();
        }
        return read + job.outputBytes();
    }
}
