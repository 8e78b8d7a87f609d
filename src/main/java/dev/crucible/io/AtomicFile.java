package dev.crucible.io;

import dev.crucible.CrucibleException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An output file written under a hidden temporary name beside its destination and renamed into place only
 * once complete and flushed, so an interrupted merge never leaves a file that looks finished.
 * Errors are user-facing: {@code cannot write <destination>: <reason>}.
 */
public final class AtomicFile implements AutoCloseable {
    // ByteBuffer views are limited to 2 GiB; larger segments are written in slices.
    private static final long MAX_SLICE = 1L << 30;

    private final Path destination;
    private final Path temporary;
    private final FileChannel channel;
    private boolean committed;

    private AtomicFile(Path destination, Path temporary, FileChannel channel) {
        this.destination = destination;
        this.temporary = temporary;
        this.channel = channel;
    }

    /** Creates (or truncates a stale) {@code .<name>.partial} in the destination's directory. */
    static AtomicFile create(Path destination) {
        Path temporary = destination.resolveSibling("." + destination.getFileName() + ".partial");
        try {
            return new AtomicFile(destination, temporary, FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw failure(destination, e);
        }
    }

    /** Writes a whole small file (JSON, YAML, a model card) atomically. */
    public static void write(Path destination, byte[] content) {
        try (AtomicFile file = create(destination)) {
            file.write(MemorySegment.ofArray(content));
            file.commit();
        }
    }

    void write(MemorySegment bytes) {
        for (long at = 0; at < bytes.byteSize(); at += MAX_SLICE) {
            ByteBuffer slice = bytes.asSlice(at, Math.min(MAX_SLICE, bytes.byteSize() - at)).asByteBuffer();
            try {
                while (slice.hasRemaining()) {
                    channel.write(slice);
                }
            } catch (IOException e) {
                throw failure(destination, e);
            }
        }
    }

    /** Flushes to the device and renames into place; returns the destination. */
    Path commit() {
        try {
            channel.force(true);
            channel.close();
            Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure(destination, e);
        }
        committed = true;
        return destination;
    }

    /** Unless committed: discards the temporary file. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            channel.close();
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            throw new CrucibleException("cannot remove the partial file " + temporary + ": " + IoErrors.reason(e), e);
        }
    }

    private static CrucibleException failure(Path destination, IOException e) {
        return new CrucibleException("cannot write " + destination + ": " + IoErrors.reason(e), e);
    }
}
