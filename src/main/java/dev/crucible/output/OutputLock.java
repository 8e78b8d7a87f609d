package dev.crucible.output;

import dev.crucible.CrucibleException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps two merges from writing into one directory: an exclusive OS lock on {@code OUT/.crucible.lock}, held for the
 * whole merge. The operating system drops the lock when the process dies, however it dies, so a merge killed with
 * SIGKILL leaves no stale lock to block {@code --resume}. The empty file itself stays: deleting it could let two later
 * merges lock two different files of the same name.
 */
final class OutputLock implements AutoCloseable {
    static final String FILE_NAME = ".crucible.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws CrucibleException if another merge (in this process or another) holds the lock */
    static OutputLock acquire(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CrucibleException("cannot create the lock file " + file + ": " + e.getMessage(), e);
        }
        FileLock lock = null;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // held by another merge in this JVM: the same answer as another process
        } catch (IOException e) {
            close(channel);
            throw new CrucibleException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            close(channel);
            throw new CrucibleException(dir + " is in use by another merge (it holds the lock " + file + "); wait"
                    + " for that merge to end, or choose another output directory");
        }
        return new OutputLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }
}
