package dev.crucible.cli;

import dev.crucible.CrucibleException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShardSizeTest {
    @Test
    void parsesLikeMergekitParseKmb() {
        assertEquals(5_000_000_000L, ShardSize.parse("5B"));
        assertEquals(5_000_000_000L, ShardSize.parse("5b"));
        assertEquals(500_000_000L, ShardSize.parse("500M"));
        assertEquals(2_000L, ShardSize.parse("2k"));
        assertEquals(12345L, ShardSize.parse("12345"));
    }

    @Test
    void rejectsFractionsUnitsAndNonsense() {
        for (String bad : new String[] {"1.5B", "", "B", "5GB", "-1", "0", "99999999999999999999B"}) {
            assertThrows(CrucibleException.class, () -> ShardSize.parse(bad), bad);
        }
    }
}
