package dev.crucible.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A file's size and modification time at one moment: how a merge notices that an input it has mapped was changed
 * under it, and how a resumed merge tells that its inputs are the ones the interrupted run read.
 *
 * @param path          absolute, normalized
 * @param modifiedNanos modification time in nanoseconds since the epoch (as precise as the file system keeps it)
 */
public record FileStamp(Path path, long size, long modifiedNanos) {
    public FileStamp {
        path = path.toAbsolutePath().normalize();
    }

    /** The file's stamp now. */
    public static FileStamp of(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(file, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
    }

    /** How the file differs now from this stamp ({@code "size 10 -> 12 bytes"}), or empty when it does not. */
    public Optional<String> change() {
        FileStamp now;
        try {
            now = of(path);
        } catch (NoSuchFileException e) {
            return Optional.of("deleted");
        } catch (IOException e) {
            return Optional.of("unreadable: " + IoErrors.reason(e));
        }
        return differenceTo(now);
    }

    /** How {@code later} (a stamp of the same file) differs from this one, or empty when it does not. */
    public Optional<String> differenceTo(FileStamp later) {
        if (later.size != size) {
            return Optional.of("size " + size + " -> " + later.size + " bytes");
        }
        if (later.modifiedNanos != modifiedNanos) {
            return Optional.of("modification time changed");
        }
        return Optional.empty();
    }
}
