package dev.crucible.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the channels Crucible writes its output through. The one seam where a test substitutes a channel that fails
 * the way a full or broken disk does, so the error handling of every writer can be exercised without a real one.
 */
final class Channels {
    /** How a writable channel is opened. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path file, OpenOption... options) throws IOException;
    }

    private static volatile Opener opener = FileChannel::open;

    private Channels() {
    }

    static FileChannel open(Path file, OpenOption... options) throws IOException {
        return opener.open(file, options);
    }

    /** Replaces the opener (tests only); returns the previous one so it can be restored. */
    static Opener replace(Opener replacement) {
        Opener previous = opener;
        opener = replacement;
        return previous;
    }
}
