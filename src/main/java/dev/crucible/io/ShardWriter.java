package dev.crucible.io;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Streams one planned shard to disk: the header first, then each tensor's bytes in layout order, possibly
 * in several chunks per tensor. The file lives under a hidden temporary name until {@link #finish()}
 * renames it; closing an unfinished writer deletes it. The content's CRC-32C is computed on the way through.
 * Not thread-safe: one producer per shard.
 */
public final class ShardWriter implements AutoCloseable {
    private final String fileName;
    private final List<TensorInfo> tensors;
    private final AtomicFile file;
    private int current;      // index of the tensor being written
    private long written;     // bytes of it written so far
    private boolean finished;

    private ShardWriter(ShardPlan.Shard shard, AtomicFile file) {
        this.fileName = shard.fileName();
        this.tensors = shard.layout().tensors();
        this.file = file;
    }

    /** Creates {@code outDir/.<fileName>.partial} and writes the header. */
    public static ShardWriter create(Path outDir, ShardPlan.Shard shard) {
        AtomicFile file = AtomicFile.create(outDir.resolve(shard.fileName()));
        try {
            file.write(MemorySegment.ofArray(shard.layout().headerBytes()));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
        return new ShardWriter(shard, file);
    }

    /**
     * Appends bytes of tensor {@code name}, which must be the tensor in progress or, once that one is
     * complete, the next in layout order (tensors of zero bytes may be skipped).
     *
     * @throws IllegalStateException on a wrong order or more bytes than the tensor holds (a bug)
     */
    public void write(String name, MemorySegment bytes) {
        if (finished) {
            throw new IllegalStateException(fileName + ": write after finish");
        }
        TensorInfo tensor = expect(name);
        if (bytes.byteSize() > tensor.byteSize() - written) {
            throw new IllegalStateException(fileName + ": " + (written + bytes.byteSize()) + " bytes written to "
                    + name + ", which holds " + tensor.byteSize());
        }
        file.write(bytes);
        written += bytes.byteSize();
    }

    /** As {@link #write(String, MemorySegment)} with the buffer's remaining bytes; its position is unchanged. */
    public void write(String name, ByteBuffer bytes) {
        write(name, MemorySegment.ofBuffer(bytes));
    }

    /**
     * Checks that every tensor is complete, flushes to the device and renames to the final name.
     *
     * @return the final path
     */
    public Path finish() {
        if (finished) {
            throw new IllegalStateException(fileName + ": finished twice");
        }
        skipCompleted(null);
        if (current < tensors.size()) {
            TensorInfo t = tensors.get(current);
            throw new IllegalStateException(fileName + ": tensor " + t.name() + " is incomplete, " + written
                    + " of " + t.byteSize() + " bytes written");
        }
        finished = true;
        return file.commit();
    }

    /** CRC-32C of the file's bytes ({@link FileHash}), computed as they were written. */
    public String crc32c() {
        return file.crc32c();
    }

    /** The file's size in bytes. */
    public long size() {
        return file.size();
    }

    /** Aborts an unfinished shard: its temporary file is deleted. */
    @Override
    public void close() {
        file.close();
    }

    /** Moves past tensors that are complete, stopping at the one named {@code keep} (null: at none). */
    private void skipCompleted(String keep) {
        while (current < tensors.size() && written == tensors.get(current).byteSize()
                && !tensors.get(current).name().equals(keep)) {
            current++;
            written = 0;
        }
    }

    /** The tensor in progress, which must be {@code name}. */
    private TensorInfo expect(String name) {
        skipCompleted(name);
        if (current == tensors.size()) {
            throw new IllegalStateException(fileName + ": got tensor " + name + " after the last tensor");
        }
        TensorInfo expected = tensors.get(current);
        if (!expected.name().equals(name)) {
            throw new IllegalStateException(fileName + ": got tensor " + name + " but " + expected.name()
                    + " comes next and has " + written + " of " + expected.byteSize() + " bytes");
        }
        return expected;
    }
}
