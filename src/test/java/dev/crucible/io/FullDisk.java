package dev.crucible.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated full disk for tests: while installed, the channels Crucible writes its output through accept
 * {@code capacity} bytes in all, then fail as a full device does ("No space left on device"), a write that does not
 * fit in whole writing the part that fits first. Public so that tests of other packages can fill the disk too.
 */
public final class FullDisk implements AutoCloseable {
    private final AtomicLong left;
    private final Channels.Opener previous;

    private FullDisk(long capacity) {
        this.left = new AtomicLong(capacity);
        this.previous = Channels.replace(this::open);
    }

    /** Installs a disk with room for {@code capacity} more bytes; closing it restores the real one. */
    public static FullDisk withRoomFor(long capacity) {
        return new FullDisk(capacity);
    }

    @Override
    public void close() {
        Channels.replace(previous);
    }

    private FileChannel open(Path file, OpenOption... options) throws IOException {
        return new Limited(FileChannel.open(file, options));
    }

    /** A channel that fails writes once the disk is full; everything else is the real channel's. */
    private final class Limited extends FileChannel {
        private final FileChannel real;

        Limited(FileChannel real) {
            this.real = real;
        }

        private ByteBuffer room(ByteBuffer src) throws IOException {
            long fits = Math.min(src.remaining(), Math.max(0, left.get()));
            if (fits == 0 && src.hasRemaining()) {
                throw new IOException("No space left on device");
            }
            left.addAndGet(-fits);
            return src.slice().limit((int) fits);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            ByteBuffer part = room(src);
            int n = real.write(part);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            ByteBuffer part = room(src);
            int n = real.write(part, position);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new IOException("transferFrom is not simulated");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
