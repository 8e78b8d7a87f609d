package dev.crucible.io;

import dev.crucible.CrucibleException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A text file that only grows by whole lines, each one on the device when {@link #append} returns (written, then
 * forced). A crash or a full disk can cut the last line short; {@link #read} returns the complete lines only, so a
 * reader sees exactly the appends that finished.
 */
public final class LineLog implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;

    private LineLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Replaces {@code file} atomically with {@code lines}, then opens it for appending. */
    public static LineLog create(Path file, List<String> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(checked(l)).append('\n'));
        AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        try {
            return new LineLog(file, Channels.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /** The complete lines of {@code file}; empty when there is no such file. */
    public static Optional<List<String>> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CrucibleException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            lines.add(text.substring(start, end));
            start = end + 1;
        }
        return Optional.of(lines);
    }

    /** Appends one line durably. */
    public void append(String line) {
        ByteBuffer bytes = ByteBuffer.wrap((checked(line) + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    private static String checked(String line) {
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a line of a LineLog cannot hold a newline");
        }
        return line;
    }

    private static CrucibleException failure(Path file, IOException e) {
        return new CrucibleException("cannot write " + file + ": " + IoErrors.reason(e), e);
    }
}
