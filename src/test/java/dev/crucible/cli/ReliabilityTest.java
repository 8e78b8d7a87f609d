package dev.crucible.cli;

import dev.crucible.CrucibleException;
import dev.crucible.TestModels;
import dev.crucible.Warnings;
import dev.crucible.backend.Backend;
import dev.crucible.backend.Backends;
import dev.crucible.config.ConfigLoader;
import dev.crucible.demo.TinyLlama;
import dev.crucible.exec.Executor;
import dev.crucible.exec.Progress;
import dev.crucible.exec.ShardLog;
import dev.crucible.io.DType;
import dev.crucible.io.FullDisk;
import dev.crucible.io.ShardPlan;
import dev.crucible.output.MergeJournal;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.Planner;
import dev.crucible.plan.TensorJob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6, in process: interrupted merges (by a full disk) are refused, then resumed byte for byte; a merge that is
 * not the one in the directory is refused; a locked directory is refused; NaN/Inf are warnings, errors with
 * --strict; input files that change during a merge stop it.
 */
class ReliabilityTest {
    @TempDir
    Path dir;
    Path a;
    Path b;
    Path config;
    Path reference;

    @BeforeEach
    void models() {
        a = TestModels.model(dir, "a", TestModels.SMALL, 0.25f);
        b = TestModels.model(dir, "b", TestModels.SMALL, (t, i, base) -> -0.5f * base + 0.125f, 1);
        config = TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 0.6}
                  - model: %s
                    parameters: {weight: 0.4}
                """.formatted(a, b));
        reference = dir.resolve("reference").resolve("out");
        MergeCommandTest.Run r = cli("merge", config.toString(), reference.toString(), "--quiet", "--out-shard-size",
                "1k");
        assertEquals(0, r.status(), r.err());
    }

    /** Merges into {@code out} on a disk with room for about half the shards; returns the error line. */
    private String interruptedByAFullDisk(Path out) throws IOException {
        long shardBytes;
        try (Stream<Path> files = Files.list(reference)) {
            shardBytes = files.filter(p -> p.toString().endsWith(".safetensors")).mapToLong(ReliabilityTest::size)
                    .sum();
        }
        long journalHead = Files.readAllLines(reference.resolve(MergeJournal.FILE_NAME)).getFirst().length() + 1;
        MergeCommandTest.Run r;
        try (FullDisk disk = FullDisk.withRoomFor(journalHead + shardBytes / 2)) {
            r = cli("merge", config.toString(), out.toString(), "--quiet", "--out-shard-size", "1k");
        }
        assertEquals(1, r.status(), r.err());
        List<String> errors = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals(1, errors.size(), r.err());
        return errors.getFirst();
    }

    @Test
    void aFullDiskLeavesAnUnfinishedMergeThatResumesByteForByte() throws IOException {
        Path out = dir.resolve("interrupted").resolve("out");
        String error = interruptedByAFullDisk(out);
        assertTrue(error.startsWith("error: cannot write " + out + "/") && error.endsWith(
                ": No space left on device"), error);
        assertEquals(List.of(), names(out, ".partial"), "temporary files are removed");
        assertFalse(Files.exists(out.resolve("model.safetensors.index.json")));
        assertFalse(Files.exists(out.resolve("config.json")));
        MergeJournal.Contents journal = MergeJournal.read(out).orElseThrow();
        int shards = journal.identity().shards();
        int done = journal.shards().size();
        assertTrue(done >= 1 && done < shards, done + " of " + shards);

        MergeCommandTest.Run again = cli("merge", config.toString(), out.toString(), "--quiet", "--out-shard-size",
                "1k");
        assertEquals(1, again.status());
        assertTrue(again.err().contains("error: " + out + " holds an unfinished merge (" + done + " of " + shards
                + " shards done); rerun with --resume to continue it, or remove the directory"), again.err());

        MergeCommandTest.Run verify = cli("verify", out.toString());
        assertEquals(1, verify.status());
        assertTrue(verify.out().contains("problem: the merge did not finish (" + done + " of " + shards
                + " shards recorded); crucible merge --resume completes it"), verify.out());

        MergeCommandTest.Run resumed = cli("merge", config.toString(), out.toString(), "--out-shard-size", "1k",
                "--resume");
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("resuming: " + done + " of " + shards + " shards complete and intact, "
                + (shards - done) + " to write"), resumed.out());
        assertSameCheckpoint(reference, out);
        assertEquals(0, cli("verify", out.toString()).status());
    }

    @Test
    void aRandomMethodResumesToTheSameBytes() throws IOException {
        Path base = TestModels.model(dir, "base", TestModels.SMALL, 0f);
        config = TestModels.config(dir, """
                merge_method: dare_ties
                base_model: %s
                models:
                  - model: %s
                    parameters: {weight: 0.6, density: 0.5}
                  - model: %s
                    parameters: {weight: 0.4, density: 0.7}
                """.formatted(base, a, b));
        reference = dir.resolve("dare").resolve("out");
        assertEquals(0, cli("merge", config.toString(), reference.toString(), "--quiet", "--out-shard-size", "1k",
                "--seed", "42").status());
        Path out = dir.resolve("dare-interrupted").resolve("out");
        try (FullDisk disk = FullDisk.withRoomFor(Files.size(reference.resolve(MergeJournal.FILE_NAME)) + 3000)) {
            assertEquals(1, cli("merge", config.toString(), out.toString(), "--quiet", "--out-shard-size", "1k",
                    "--seed", "42").status());
        }
        assertTrue(MergeJournal.read(out).orElseThrow().shards().size() >= 1);
        MergeCommandTest.Run resumed = cli("merge", config.toString(), out.toString(), "--quiet", "--out-shard-size",
                "1k", "--seed", "42", "--resume");
        assertEquals(0, resumed.status(), resumed.err());
        assertSameCheckpoint(reference, out);
    }

    @Test
    void resumeRedoesAShardThatNoLongerMatchesItsJournal() throws IOException {
        Path out = dir.resolve("damaged").resolve("out");
        assertEquals(0, cli("merge", config.toString(), out.toString(), "--quiet", "--out-shard-size", "1k")
                .status());
        Path second = out.resolve(names(reference, ".safetensors").get(1));
        byte[] bytes = Files.readAllBytes(second);
        bytes[bytes.length - 1] ^= 1;
        Files.write(second, bytes);
        MergeCommandTest.Run resumed = cli("merge", config.toString(), out.toString(), "--out-shard-size", "1k",
                "--resume");
        assertEquals(0, resumed.status(), resumed.err());
        int shards = names(reference, ".safetensors").size();
        assertTrue(resumed.out().contains("resuming: " + (shards - 1) + " of " + shards), resumed.out());
        assertSameCheckpoint(reference, out);
    }

    @Test
    void resumeRefusesAMergeThatIsNotTheOneInTheDirectory() throws IOException {
        Path out = dir.resolve("other").resolve("out");
        interruptedByAFullDisk(out);
        MergeCommandTest.Run r = cli("merge", config.toString(), out.toString(), "--quiet", "--out-shard-size", "1k",
                "--resume", "--seed", "5");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("error: " + out + " holds a merge that is not this one (seed 5, was 0), so it"
                + " cannot be resumed; merge into another directory, or remove this one"), r.err());
        MergeCommandTest.Run sized = cli("merge", config.toString(), out.toString(), "--quiet", "--out-shard-size",
                "2k", "--resume");
        assertTrue(sized.err().contains("(--out-shard-size 2000 bytes, was 1000)"), sized.err());

        // a checkpoint no journal describes is not resumed; a directory with nothing in it starts afresh
        Files.delete(reference.resolve(MergeJournal.FILE_NAME));
        MergeCommandTest.Run foreign = cli("merge", config.toString(), reference.toString(), "--quiet",
                "--out-shard-size", "1k", "--resume");
        assertEquals(1, foreign.status());
        assertTrue(foreign.err().contains("but no merge journal (.crucible-journal.jsonl), so there is no Crucible"
                + " merge to resume"), foreign.err());
        Path fresh = dir.resolve("fresh");
        assertEquals(0, cli("merge", config.toString(), fresh.toString(), "--quiet", "--resume").status());
        assertEquals(0, cli("verify", fresh.toString()).status());
    }

    @Test
    void aSecondMergeIntoTheSameDirectoryRefusesWhileTheFirstHoldsTheLock() throws IOException {
        Path out = dir.resolve("busy");
        Files.createDirectories(out);
        try (FileChannel channel = FileChannel.open(out.resolve(".crucible.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            MergeCommandTest.Run r = cli("merge", config.toString(), out.toString(), "--quiet");
            assertEquals(1, r.status());
            assertTrue(r.err().contains("error: " + out + " is in use by another merge (it holds the lock "
                    + out.resolve(".crucible.lock") + ")"), r.err());
            assertEquals(List.of(), names(out, ".safetensors"));
        }
        assertEquals(0, cli("merge", config.toString(), out.toString(), "--quiet").status());
    }

    @Test
    void nanInAnInputIsAWarningByDefaultAndAnErrorWithStrict() {
        String up = "model.layers.1.mlp.up_proj.weight";
        Path nan = TestModels.model(dir, "nan", TestModels.SMALL, (t, i, base) -> t.equals(up) && i < 3 ? Float.NaN
                : t.equals("model.norm.weight") && i == 0 ? Float.POSITIVE_INFINITY : 0f, Long.MAX_VALUE);
        Path cfg = TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %s
                    parameters: {weight: 0.6}
                  - model: %s
                    parameters: {weight: 0.4}
                """.formatted(nan, b));
        MergeCommandTest.Run warned = cli("merge", cfg.toString(), dir.resolve("warned").toString());
        assertEquals(0, warned.status(), warned.err());
        assertTrue(warned.out().contains("warning: " + up + ": 3 NaN/Inf values in the output (from " + nan
                + ": 3) [2 affected: " + up + ", model.norm.weight]"), warned.out());

        MergeCommandTest.Run strict = cli("merge", cfg.toString(), dir.resolve("strict").toString(), "--strict");
        assertEquals(1, strict.status());
        assertTrue(strict.err().contains("error: " + up + " of " + nan + " holds 3 NaN/Inf values (--strict)"),
                strict.err());
        assertFalse(Files.exists(dir.resolve("strict").resolve("config.json")));

        // the same failure in one of several pipelines stops them all and the writer, with the same one line
        MergeCommandTest.Run pipelines = cli("merge", cfg.toString(), dir.resolve("pipelines").toString(), "--strict",
                "--devices", "cpu,cpu,cpu", "-j", "1");
        assertEquals(1, pipelines.status());
        assertTrue(pipelines.err().contains("error: " + up + " of " + nan + " holds 3 NaN/Inf values (--strict)"),
                pipelines.err());
        assertFalse(Files.exists(dir.resolve("pipelines").resolve("config.json")));
    }

    @Test
    void infProducedByTheMergeItselfIsAttributedToIt() {
        TinyLlama f16 = new TinyLlama(1, 8, 12, 16, false, DType.F16);
        String big = "model.norm.weight";
        Path x = TestModels.model(dir, "x", f16, (t, i, base) -> t.equals(big) ? 60000f - base : 0f, Long.MAX_VALUE);
        Path y = TestModels.model(dir, "y", f16, (t, i, base) -> t.equals(big) ? 60000f - base : 0f, Long.MAX_VALUE);
        Path cfg = TestModels.config(dir, """
                merge_method: linear
                parameters: {normalize: false}
                models:
                  - model: %s
                    parameters: {weight: 1.0}
                  - model: %s
                    parameters: {weight: 1.0}
                """.formatted(x, y));
        MergeCommandTest.Run warned = cli("merge", cfg.toString(), dir.resolve("warned").toString());
        assertEquals(0, warned.status(), warned.err());
        assertTrue(warned.out().contains("warning: " + big + ": 8 NaN/Inf values in the output (no input holds any:"
                + " the merge produced them)"), warned.out());
        MergeCommandTest.Run strict = cli("merge", cfg.toString(), dir.resolve("strict").toString(), "--strict");
        assertEquals(1, strict.status());
        assertTrue(strict.err().contains("error: " + big + ": 8 NaN/Inf values in the output (no input holds any: the"
                + " merge produced them) (--strict)"), strict.err());
    }

    @Test
    void anInputFileThatChangesDuringTheMergeStopsIt() throws IOException {
        Path out = dir.resolve("changed");
        Files.createDirectories(out);
        Path input = a.resolve("model.safetensors");
        Path shardOfB = b.resolve(Files.list(b).map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".safetensors")).sorted().findFirst().orElseThrow());
        try (MergePlan plan = Planner.plan(ConfigLoader.load(config), Planner.Options.DEFAULT, new Warnings());
             Backend backend = Backends.open("cpu", 1)) {
            ShardPlan shards = ShardPlan.plan(plan.jobs().stream().map(TensorJob::spec).toList(), 1000, Map.of());
            Executor executor = new Executor(plan, backend, 0, new Warnings(), Progress.silent(0, 0));
            // touched after the first shard is committed: the second is not
            ShardLog touch = (shard, file, size, crc32c) -> modified(input);
            CrucibleException e = assertThrows(CrucibleException.class, () -> executor.writeShards(shards, out,
                    touch));
            assertEquals("input " + input + " changed during the merge (modification time changed): the output could"
                    + " mix old and new weights, so the merge stopped; merge again into a new directory once the"
                    + " inputs no longer change", e.getMessage());
            assertEquals(List.of(shards.shards().getFirst().fileName()), names(out, ""));
        }
        // a file that grows, before the first shard is committed
        try (MergePlan plan = Planner.plan(ConfigLoader.load(config), Planner.Options.DEFAULT, new Warnings());
             Backend backend = Backends.open("cpu", 1)) {
            ShardPlan shards = ShardPlan.plan(plan.jobs().stream().map(TensorJob::spec).toList(), 1000, Map.of());
            Files.write(shardOfB, new byte[] {0}, StandardOpenOption.APPEND);
            Path grown = Files.createDirectories(dir.resolve("grown"));
            CrucibleException e = assertThrows(CrucibleException.class, () -> new Executor(plan, backend, 0,
                    new Warnings(), Progress.silent(0, 0)).writeShards(shards, grown, ShardLog.NONE));
            assertTrue(e.getMessage().startsWith("input " + shardOfB + " changed during the merge (size "),
                    e.getMessage());
            assertEquals(List.of(), names(grown, ""));
        }
    }

    private static void modified(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file byte for byte, except the journal, whose records must agree (it lists shards in commit order). */
    static void assertSameCheckpoint(Path expected, Path actual) throws IOException {
        List<String> names = names(expected, "");
        assertEquals(names, names(actual, ""));
        for (String name : names) {
            if (!name.equals(MergeJournal.FILE_NAME)) {
                assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)),
                        name);
            }
        }
        MergeJournal.Contents e = MergeJournal.read(expected).orElseThrow();
        MergeJournal.Contents a = MergeJournal.read(actual).orElseThrow();
        assertEquals(e, a);
    }

    /** Names of the files in {@code dir} ending with {@code suffix}, hidden ones included, sorted. */
    static List<String> names(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
