package dev.crucible.cli;

import dev.crucible.CrucibleException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemorySizeTest {
    @Test
    void binaryUnits() {
        assertEquals(8L << 30, MemorySize.parse("m", "8G"));
        assertEquals(8L << 30, MemorySize.parse("m", "8GiB"));
        assertEquals(512L << 20, MemorySize.parse("m", "512mb"));
        assertEquals(3L << 40, MemorySize.parse("m", "3T"));
        assertEquals(4096, MemorySize.parse("m", "4k"));
        assertEquals(12345, MemorySize.parse("m", "12345"));
    }

    @Test
    void badSizesNameTheOption() {
        for (String bad : new String[] {"", "G", "1.5G", "-1G", "0", "8X", "99999999999T"}) {
            CrucibleException e = assertThrows(CrucibleException.class, () -> MemorySize.parse("max-device-memory",
                    bad), bad);
            assertTrue(e.getMessage().startsWith("--max-device-memory " + bad + ":"), e.getMessage());
        }
    }
}
