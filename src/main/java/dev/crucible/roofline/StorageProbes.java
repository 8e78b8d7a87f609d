package dev.crucible.roofline;

import dev.crucible.CrucibleException;
import dev.crucible.io.IoErrors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One timed pass over a storage link: reading byte ranges (large sequential reads into one 64 MiB buffer, as the
 * merge's read-ahead brings inputs in) or writing a file and forcing it to the device, as the merge's shard writer
 * does before it renames a shard. Whether a read measures the page cache or the disk depends on where the bytes are;
 * the callers choose them ({@link MergeLinks} for a merge, the bench for its runs). Failures are one-line
 * {@link CrucibleException}s naming the file.
 */
public final class StorageProbes {
    /**
     * The write probe's file: hidden and {@code .partial}, like every file the merge has not finished, so that one
     * left behind by a killed process is removed by the next merge into the directory.
     */
    public static final String WRITE_PROBE = ".roofline-write-probe.partial";

    private static final int BLOCK = 64 << 20;

    private StorageProbes() {
    }

    /** Seconds to read every range once (the bytes read are not needed: the reading is what is measured). */
    public static double readSeconds(List<FileRange> ranges) {
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        long start = System.nanoTime();
        Path file = null;
        try {
            for (int i = 0; i < ranges.size(); ) {
                file = ranges.get(i).file();
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    for (; i < ranges.size() && ranges.get(i).file().equals(file); i++) {
                        read(channel, ranges.get(i), block);
                    }
                }
            }
        } catch (IOException e) {
            throw new CrucibleException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Seconds to write {@code bytes} into {@link #WRITE_PROBE} in {@code dir} and force them to the device. The file
     * is deleted afterwards, also when writing fails. The bytes are not all alike, so that a compressing file system
     * writes them all.
     */
    public static double writeSeconds(Path dir, long bytes) {
        Path target = dir.resolve(WRITE_PROBE);
        ByteBuffer block = incompressible((int) Math.min(BLOCK, bytes));
        try {
            long start = System.nanoTime();
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long done = 0; done < bytes; ) {
                    block.clear().limit((int) Math.min(block.capacity(), bytes - done));
                    done += ch.write(block);
                }
                ch.force(true);
            }
            return (System.nanoTime() - start) / 1e9;
        } catch (IOException e) {
            throw new CrucibleException("cannot write " + target + ": " + IoErrors.reason(e), e);
        } finally {
            remove(target);
        }
    }

    private static void read(FileChannel channel, FileRange range, ByteBuffer block) throws IOException {
        for (long done = 0; done < range.length(); ) {
            block.clear().limit((int) Math.min(BLOCK, range.length() - done));
            int n = channel.read(block, range.offset() + done);
            if (n < 0) {
                throw new IOException("it ends before byte " + (range.offset() + range.length()));
            }
            done += n;
        }
    }

    /** A buffer of pseudo-random bytes (xorshift64). */
    private static ByteBuffer incompressible(int bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        long x = 0x9E3779B97F4A7C15L;
        while (buffer.remaining() >= Long.BYTES) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            buffer.putLong(x);
        }
        return buffer.clear();
    }

    private static void remove(Path target) {
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new CrucibleException("cannot remove " + target + ": " + IoErrors.reason(e), e);
        }
    }
}
