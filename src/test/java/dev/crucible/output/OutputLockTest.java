package dev.crucible.output;

import dev.crucible.CrucibleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OutputLockTest {
    @TempDir
    Path dir;

    @Test
    void oneHolderAtATime() {
        try (OutputLock first = OutputLock.acquire(dir)) {
            CrucibleException e = assertThrows(CrucibleException.class, () -> OutputLock.acquire(dir));
            assertEquals(dir + " is in use by another merge (it holds the lock " + dir.resolve(".crucible.lock")
                    + "); wait for that merge to end, or choose another output directory", e.getMessage());
        }
        OutputLock.acquire(dir).close();
    }
}
