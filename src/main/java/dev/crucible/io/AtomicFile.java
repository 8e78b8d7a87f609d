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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * An output file written under a hidden temporary name beside its destination and renamed into place only
 * once complete and flushed, so an interrupted merge never leaves a file that looks finished.
 * Errors are user-facing: {@code cannot write <destination>: <reason>}.
 *
 * <p>Large files are flushed to the device as they grow: after every {@link #WRITEBACK} bytes a background thread
 * forces what has been written so far, while the merge computes the next tensors, so the flush at {@link #commit()}
 * finds little left to do. Flushing only at the end made it the serial tail of every merge (measured on the
 * development machine: up to a second per gigabyte, during which nothing else ran).
 *
 * <p>The CRC-32C of the content is computed as the bytes are written, from the same buffers, which the caller has
 * just filled or scanned and are still in the cache (the merge journal records it; {@link FileHash}). The rename is
 * made durable by {@link #syncDirectory}, which the caller runs once for many files.
 */
public final class AtomicFile implements AutoCloseable {
    // ByteBuffer views are limited to 2 GiB; larger segments are written in slices.
    private static final long MAX_SLICE = 1L << 30;
    private static final long WRITEBACK = 128L << 20;
    private static final ExecutorService FLUSHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "crucible-writeback");
        t.setDaemon(true);
        return t;
    });

    private final Path destination;
    private final Path temporary;
    private final FileChannel channel;
    private final CRC32C checksum = new CRC32C();
    private long size;
    private boolean committed;
    private long unflushed;
    private Future<?> flushing = CompletableFuture.completedFuture(null);

    private AtomicFile(Path destination, Path temporary, FileChannel channel) {
        this.destination = destination;
        this.temporary = temporary;
        this.channel = channel;
    }

    /** Creates (or truncates a stale) {@code .<name>.partial} in the destination's directory. */
    static AtomicFile create(Path destination) {
        Path temporary = destination.resolveSibling("." + destination.getFileName() + ".partial");
        try {
            return new AtomicFile(destination, temporary, Channels.open(temporary, StandardOpenOption.CREATE,
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
            checksum.update(slice.duplicate());
            try {
                while (slice.hasRemaining()) {
                    channel.write(slice);
                }
            } catch (IOException e) {
                throw failure(destination, e);
            }
        }
        size += bytes.byteSize();
        unflushed += bytes.byteSize();
        if (unflushed >= WRITEBACK && flushing.isDone()) {
            awaitFlush(); // reports a failed earlier flush
            unflushed = 0;
            flushing = FLUSHER.submit(() -> {
                channel.force(false);
                return null;
            });
        }
    }

    /** Waits for the background flush in progress, if any; its failure is this file's. */
    private void awaitFlush() {
        try {
            flushing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrucibleException("interrupted while writing " + destination, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? failure(destination, io)
                    : new IllegalStateException(e.getCause());
        }
    }

    /** Flushes to the device and renames into place; returns the destination. */
    Path commit() {
        awaitFlush();
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

    /** Bytes written so far. */
    long size() {
        return size;
    }

    /** CRC-32C of the content written so far, as {@link FileHash} writes it. */
    String crc32c() {
        return FileHash.hex(checksum);
    }

    /**
     * Makes the renames done in {@code dir} so far durable. Best effort: a file system that cannot sync a directory
     * loses nothing on a crash of the process, only, possibly, renames on a power loss.
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // see above
        }
    }

    /** Unless committed: discards the temporary file. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            flushing.cancel(false);
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
