package dev.crucible.output;

import dev.crucible.CrucibleException;
import dev.crucible.io.FileStamp;
import dev.crucible.io.SafetensorsLayout;
import dev.crucible.io.ShardPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MergeJournalTest {
    @TempDir
    Path dir;

    private final MergeIdentity identity = new MergeIdentity("0.1.0", "c0ffee", "linear", "0", false, 1000, 2,
            "1a7", List.of(new FileStamp(Path.of("/m/a.safetensors"), 10, 5), new FileStamp(Path.of("/m/b"), 20, 6)));

    private static ShardPlan.Shard shard(String name) {
        return new ShardPlan.Shard(name, SafetensorsLayout.of(Map.of(), List.of()));
    }

    @Test
    void recordsTheIdentityAndEachCommittedShardAndSurvivesATornLastLine() throws Exception {
        try (MergeJournal j = MergeJournal.start(dir, identity)) {
            assertFalse(j.isComplete(shard("s1")));
            j.committed(shard("s1"), dir.resolve("s1"), 123, "ab");
            assertTrue(j.isComplete(shard("s1")));
        }
        Files.writeString(dir.resolve(MergeJournal.FILE_NAME), "{\"shard\":\"s2\",\"si", StandardOpenOption.APPEND);
        MergeJournal.Contents c = MergeJournal.read(dir).orElseThrow();
        assertEquals(identity, c.identity());
        assertEquals(Map.of("s1", new MergeJournal.Entry("s1", 123, "ab")), c.shards());

        try (MergeJournal j = MergeJournal.resume(dir, identity, List.of())) {
            assertEquals(0, j.completeCount());
        }
        assertEquals(Map.of(), MergeJournal.read(dir).orElseThrow().shards(), "rewritten with the intact shards");
    }

    @Test
    void aDamagedJournalIsAClearError() throws Exception {
        assertTrue(MergeJournal.read(dir).isEmpty());
        Files.writeString(dir.resolve(MergeJournal.FILE_NAME), "{\"crucible_journal\":1,\"identity\":{}}\n");
        CrucibleException e = assertThrows(CrucibleException.class, () -> MergeJournal.read(dir));
        assertTrue(e.getMessage().contains(MergeJournal.FILE_NAME + ":1: bad header"), e.getMessage());
        try (MergeJournal j = MergeJournal.start(dir, identity)) {
            j.committed(shard("s1"), dir.resolve("s1"), 1, "ab");
        }
        Files.writeString(dir.resolve(MergeJournal.FILE_NAME), "[1]\n", StandardOpenOption.APPEND);
        e = assertThrows(CrucibleException.class, () -> MergeJournal.read(dir));
        assertTrue(e.getMessage().contains(MergeJournal.FILE_NAME + ":3: not a shard record"), e.getMessage());
    }

    @Test
    void differencesSayWhatChanged() {
        assertEquals(List.of(), identity.differences(identity));
        MergeIdentity other = new MergeIdentity("0.2.0", "beef", "linear", "7", true, 2000, 2, "1a7",
                List.of(new FileStamp(Path.of("/m/a.safetensors"), 11, 5), new FileStamp(Path.of("/m/c"), 1, 1)));
        assertEquals(List.of(
                "the config text is not the one the unfinished merge used",
                "seed 7, was 0",
                "--allow-crimes given, was not",
                "--out-shard-size 2000 bytes, was 1000",
                "Crucible 0.2.0, was 0.1.0",
                "input /m/a.safetensors changed since (size 10 -> 11 bytes)",
                "input /m/c was not read by the unfinished merge",
                "input /m/b of the unfinished merge is not read now"), other.differences(identity));
    }
}
