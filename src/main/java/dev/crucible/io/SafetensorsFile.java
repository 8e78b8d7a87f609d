package dev.crucible.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A validated .safetensors file, memory-mapped whole as one read-only segment (no 2 GiB limit) in a shared
 * arena, so reader threads can slice tensors out of it concurrently. Closing it unmaps every slice. The file's size
 * and modification time, taken just before mapping, let a merge notice a change made while it reads.
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final SafetensorsHeader header;
    private final FileStamp stamp;

    private SafetensorsFile(Path path, Arena arena, MemorySegment mapped, SafetensorsHeader header, FileStamp stamp) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.header = header;
        this.stamp = stamp;
    }

    /** Maps and validates the file; any problem, I/O errors included, is a FormatException naming it. */
    public static SafetensorsFile open(Path file) {
        if (Files.isDirectory(file)) {
            throw new FormatException(file + ": is a directory, not a .safetensors file");
        }
        // Opening a named pipe blocks until something writes to it, and only regular files can be mapped.
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new FormatException(file + ": not a regular file");
        }
        Arena arena = Arena.ofShared();
        boolean opened = false;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileStamp stamp = FileStamp.of(file);
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            var result = new SafetensorsFile(file, arena, mapped, SafetensorsHeader.parse(file.toString(), mapped),
                    stamp);
            opened = true;
            return result;
        } catch (IOException e) {
            throw new FormatException(file + ": cannot read: " + IoErrors.reason(e), e);
        } finally {
            if (!opened) {
                arena.close();
            }
        }
    }

    public Path path() {
        return path;
    }

    /** Size and modification time when the file was opened. */
    public FileStamp stamp() {
        return stamp;
    }

    public SafetensorsHeader header() {
        return header;
    }

    /**
     * The tensor's bytes: a read-only slice of the mapping, valid until {@link #close()}.
     *
     * @throws IllegalArgumentException if {@code t} is not an entry of this file's header
     */
    public MemorySegment data(TensorInfo t) {
        if (!header.tensor(t.name()).map(t::equals).orElse(false)) {
            throw new IllegalArgumentException(t.name() + " is not a tensor of " + path);
        }
        return mapped.asSlice(header.dataStart() + t.begin(), t.byteSize()).asReadOnly();
    }

    /** File size in bytes. */
    public long size() {
        return mapped.byteSize();
    }

    /** Unmaps the file; segments returned by {@link #data} become inaccessible. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
