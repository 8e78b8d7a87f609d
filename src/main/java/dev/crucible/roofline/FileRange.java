package dev.crucible.roofline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Bytes [offset, offset + length) of a file: what a read probe reads. */
public record FileRange(Path file, long offset, long length) {
    /** Each file from its first byte to its last. */
    public static List<FileRange> whole(List<Path> files) throws IOException {
        List<FileRange> ranges = new ArrayList<>();
        for (Path file : files) {
            ranges.add(new FileRange(file, 0, Files.size(file)));
        }
        return ranges;
    }

    public static long bytes(List<FileRange> ranges) {
        return ranges.stream().mapToLong(FileRange::length).sum();
    }
}
