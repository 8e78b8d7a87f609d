package dev.crucible.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The SHA-256 of a file as it is written, computed by a background thread that follows the writer through the
 * bytes it has already handed to the kernel (positional reads of the same channel, served from the page cache the
 * write just filled), so hashing overlaps the computation of the next tensors instead of adding to it.
 *
 * <p>Hashing inline, in the writing thread, was measured on the 2-core development machine at about 0.6 s per GB of
 * output (SHA-256 with the CPU's SHA extensions runs at 1.7 GB/s on one core), which made a linear merge of a 1 GB
 * model 60% slower; here it hides behind the merge wherever a core has time to spare. What is hashed is what the file
 * holds, the same bytes a resumed merge or {@code crucible verify} hashes again later.
 */
final class WrittenHash {
    // large enough to amortize a task, small enough to read pages the write has just filled
    private static final long STEP = 8L << 20;
    private static final int BUFFER = 1 << 20;
    private static final ExecutorService HASHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "crucible-hash");
        t.setDaemon(true);
        return t;
    });

    private final FileChannel channel;
    private final MessageDigest digest = FileHash.sha256();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    private long hashed;    // bytes hashed so far; read and written by whichever thread holds the task
    private long written;   // bytes the writer has written; writer thread only
    private Future<?> running = CompletableFuture.completedFuture(null);

    /** @param channel open for reading; the writer appends to it from position 0 */
    WrittenHash(FileChannel channel) {
        this.channel = channel;
    }

    /** The writer has written {@code bytes} more bytes; hashing them may start in the background. */
    void wrote(long bytes) throws IOException {
        written += bytes;
        if (running.isDone() && written - hashed >= STEP) { // isDone first: it orders the read of hashed
            await();
            long upTo = written;
            running = HASHER.submit(() -> {
                hashUpTo(upTo);
                return null;
            });
        }
    }

    /** Waits for the background work and hashes the rest; returns the digest in hex. The channel must stay open. */
    String finish() throws IOException {
        await();
        hashUpTo(written);
        return FileHash.hex(digest);
    }

    /** Stops hashing (the file is being discarded); the background task, if any, may still finish its range. */
    void abandon() {
        running.cancel(false);
    }

    // Runs in one thread at a time: the background task, or the writer once it has awaited the task.
    private void hashUpTo(long end) throws IOException {
        while (hashed < end) {
            buffer.clear().limit((int) Math.min(BUFFER, end - hashed));
            int n = channel.read(buffer, hashed);
            if (n < 0) {
                throw new IOException("the file is shorter than what was written to it");
            }
            buffer.flip();
            digest.update(buffer);
            hashed += n;
        }
    }

    private void await() throws IOException {
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while hashing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
