package dev.crucible.cli;

import dev.crucible.TestModels;
import dev.crucible.demo.DemoModels;
import dev.crucible.io.ShardIndex;
import dev.crucible.output.MergeJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.crucible.cli.MergeCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety, for real: {@code crucible merge} runs as a separate process and is killed with SIGKILL at random
 * moments (at a random time, once a random number of shards are journaled, or while the files that follow the shards
 * are written). After each kill the output directory must not look like a finished checkpoint unless the merge had
 * finished, a plain merge must refuse it as unfinished, and {@code merge --resume} must complete it into exactly the
 * bytes of an uninterrupted run. (A linear merge: its kernels warm up fastest in a new JVM; ReliabilityTest resumes a
 * random method in process.)
 */
class CrashTest {
    private static final int TRIALS = 6;
    private static final String SHARD_SIZE = "1M";

    @TempDir
    Path dir;

    @Test
    void killedAnywhereTheMergeNeverLooksFinishedAndResumesByteForByte() throws Exception {
        Path models = dir.resolve("models");
        DemoModels.write(models);
        Path config = TestModels.config(dir, """
                merge_method: linear
                models:
                  - model: %1$s/ft-a
                    parameters: {weight: 0.5}
                  - model: %1$s/ft-b
                    parameters: {weight: 0.3}
                  - model: %1$s/ft-c
                    parameters: {weight: 0.2}
                dtype: bfloat16
                """.formatted(models));
        Path reference = dir.resolve("reference").resolve("out");
        long start = System.nanoTime();
        Process whole = merge(config, reference);
        assertTrue(whole.waitFor(60, TimeUnit.SECONDS), "the reference merge hangs");
        assertEquals(0, whole.exitValue(), new String(whole.getInputStream().readAllBytes()));
        long wholeNanos = System.nanoTime() - start;
        int shards = MergeJournal.read(reference).orElseThrow().identity().shards();
        assertTrue(shards >= 4, shards + " shards");

        Random random = new Random(6);
        List<String> outcomes = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            Path out = dir.resolve("trial-" + trial).resolve("out");
            Process p = merge(config, out);
            String when;
            switch (trial % 3) {
                case 0 -> {
                    long delay = (long) (wholeNanos * (0.3 + 0.7 * random.nextDouble()));
                    when = "after " + delay / 1_000_000 + " ms";
                    p.waitFor(delay, TimeUnit.NANOSECONDS);
                }
                case 1 -> {
                    int recorded = 1 + random.nextInt(shards - 1);
                    when = "once " + recorded + " shards were journaled";
                    await(() -> journaled(out) >= recorded, p);
                    if (trial == 1 && p.isAlive()) {
                        secondMergeIsRefused(config, out, p);
                    }
                }
                default -> {
                    when = "while finishing";
                    await(() -> Files.exists(out.resolve("README.md")), p);
                }
            }
            Thread.sleep(random.nextInt(4));
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            boolean finished = p.exitValue() == 0;
            outcomes.add(when + ": " + (finished ? "finished" : describe(out)));
            checkKilledOutput(config, out, shards, finished);

            MergeCommandTest.Run resumed = cli("merge", config.toString(), out.toString(), "--quiet", "--device",
                    "cpu", "--out-shard-size", SHARD_SIZE, "--resume");
            assertEquals(0, resumed.status(), when + ": " + resumed.err());
            ReliabilityTest.assertSameCheckpoint(reference, out);
            assertEquals(0, cli("verify", out.toString()).status(), when);
        }
        System.out.println("CrashTest: " + shards + " shards, reference merge " + wholeNanos / 1_000_000 + " ms; "
                + String.join("; ", outcomes));
    }

    /** The state a kill left: never a checkpoint that looks finished while it is not, and a plain merge refuses it. */
    private static void checkKilledOutput(Path config, Path out, int shards, boolean finished) throws IOException {
        Optional<MergeJournal.Contents> journal = Files.exists(out) ? MergeJournal.read(out) : Optional.empty();
        int done = journal.map(j -> j.shards().size()).orElse(0);
        boolean index = Files.exists(out.resolve(ShardIndex.FILE_NAME));
        boolean configJson = Files.exists(out.resolve("config.json"));
        if (index) {
            // written last: the merge had finished, only its exit was cut short
            assertEquals(shards, done);
            assertTrue(configJson);
            assertEquals(0, cli("verify", out.toString()).status());
        } else if (configJson) {
            // written just before the index, once every shard is complete
            assertEquals(shards, done, "config.json before every shard was complete");
        }
        assertTrue(!finished || index, "exit 0 without an index");
        if (journal.isPresent() && !index) {
            MergeCommandTest.Run plain = cli("merge", config.toString(), out.toString(), "--quiet", "--device", "cpu",
                    "--out-shard-size", SHARD_SIZE);
            assertEquals(1, plain.status());
            assertTrue(plain.err().contains(out + " holds an unfinished merge (" + done + " of " + shards
                    + " shards done); rerun with --resume"), plain.err());
        }
    }

    /** While {@code running} merges into {@code out}, another merge into it is refused by the lock. */
    private static void secondMergeIsRefused(Path config, Path out, Process running) {
        MergeCommandTest.Run second = cli("merge", config.toString(), out.toString(), "--quiet", "--device", "cpu",
                "--out-shard-size", SHARD_SIZE, "--resume");
        if (running.isAlive()) {
            assertEquals(1, second.status(), second.err());
            assertTrue(second.err().contains(out + " is in use by another merge (it holds the lock "), second.err());
        }
    }

    private static String describe(Path out) throws IOException {
        if (!Files.exists(out)) {
            return "killed before the output directory existed";
        }
        Optional<MergeJournal.Contents> j = MergeJournal.read(out);
        return j.map(c -> "killed with " + c.shards().size() + " shards journaled").orElse("killed before the journal");
    }

    private static int journaled(Path out) {
        try {
            return Files.readAllLines(out.resolve(MergeJournal.FILE_NAME)).size() - 1;
        } catch (IOException e) {
            return 0; // not there yet
        }
    }

    /** Polls {@code condition} while {@code p} runs. */
    private static void await(BooleanSupplier condition, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline && !condition.getAsBoolean()) {
            Thread.sleep(1);
        }
    }

    /** {@code crucible merge} in a new JVM on this test's class path. */
    private static Process merge(Path config, Path out) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dev.crucible.cli.Main", "merge", config.toString(),
                out.toString(), "--quiet", "--device", "cpu", "--out-shard-size", SHARD_SIZE);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.DISCARD).start();
    }
}
