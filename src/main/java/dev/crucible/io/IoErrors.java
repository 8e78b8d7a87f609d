package dev.crucible.io;

import dev.crucible.UserText;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Turns I/O exceptions into the short reason shown after a path ("no such file", "No space left on device"). */
public final class IoErrors {
    private IoErrors() {
    }

    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        // FileSystemException's message repeats the path; its reason alone is what the user needs.
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return UserText.oneLine(fs.getReason());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : UserText.oneLine(e.getMessage());
    }
}
