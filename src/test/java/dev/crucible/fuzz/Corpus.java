package dev.crucible.fuzz;

import dev.crucible.demo.DemoModels;
import dev.crucible.demo.TinyLlama;
import dev.crucible.io.DType;
import dev.crucible.io.ShardIndex;
import dev.crucible.io.ShardPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The seed inputs the mutators start from, all real files: checkpoints written by Crucible's own writer (the
 * tiny Llama of the tests, whole and sharded with its index; the demo's shard layouts) and the example configs
 * of config-and-cli.md §10.
 */
final class Corpus {
    /** A safetensors file as the parser sees it: the header JSON and how many data bytes follow it. */
    record SafetensorsSeed(String name, byte[] header, long dataLength) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A text file; toString keeps jqwik's reports short. */
    record TextSeed(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A tiny Llama: two layers of width 8, so every file is a few kilobytes. */
    private static final TinyLlama TINY = new TinyLlama(2, 8, 12, 16, false, DType.BF16);
    /** Small enough that the tiny Llama is written as several shards with an index. */
    private static final long TINY_SHARD_BYTES = 700;
    private static final long DEMO_SHARD_BYTES = 4_000_000;

    private static final Path ROOT = temporaryDirectory("crucible-fuzz-corpus");
    private static final Path TINY_WHOLE = write("tiny-whole", Long.MAX_VALUE);
    private static final Path TINY_SHARDED = write("tiny-sharded", TINY_SHARD_BYTES);

    private Corpus() {
    }

    static List<SafetensorsSeed> safetensors() {
        List<SafetensorsSeed> seeds = new ArrayList<>();
        for (Path dir : List.of(TINY_WHOLE, TINY_SHARDED)) {
            for (Path file : files(dir, ".safetensors")) {
                seeds.add(safetensorsSeed(dir.getFileName() + "/" + file.getFileName(), read(file), size(file)));
            }
        }
        // The demo's files are megabytes; their headers come from the layouts its writer uses, data not needed.
        for (long shardBytes : new long[] {Long.MAX_VALUE, DEMO_SHARD_BYTES}) {
            for (ShardPlan.Shard shard : ShardPlan.plan(DemoModels.SHAPE.tensors(), shardBytes, Map.of()).shards()) {
                byte[] head = shard.layout().headerBytes();
                seeds.add(safetensorsSeed("demo/" + shard.fileName(), head, shard.layout().fileSize()));
            }
        }
        return seeds;
    }

    /** The index of the sharded tiny Llama, and the one the demo writes for its sharded fine-tune. */
    static List<TextSeed> indexes() {
        Path demo = ROOT.resolve("demo-index");
        try {
            Files.createDirectories(demo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ShardIndex.write(demo, ShardPlan.plan(DemoModels.SHAPE.tensors(), DEMO_SHARD_BYTES, Map.of()), Map.of());
        return Stream.of(TINY_SHARDED, demo)
                .map(dir -> new TextSeed(dir.getFileName() + "/" + ShardIndex.FILE_NAME,
                        read(dir.resolve(ShardIndex.FILE_NAME))))
                .toList();
    }

    /** The sharded tiny Llama's directory: shards, index, config.json. */
    static Path shardedCheckpoint() {
        return TINY_SHARDED;
    }

    /** src/test/resources/config: the example configs. */
    static List<TextSeed> configs() {
        try {
            Path dir = Path.of(Corpus.class.getResource("/config").toURI());
            return files(dir, ".yml").stream()
                    .map(file -> new TextSeed(file.getFileName().toString(), read(file)))
                    .toList();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new directory under java.io.tmpdir, removed with everything in it when the JVM exits. */
    static Path temporaryDirectory(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces {@code file}'s content, without truncating it to zero first: on ext4 a file truncated to zero and
     * rewritten is flushed to disk when closed, which costs milliseconds per input.
     */
    static void overwrite(Path file, byte[] content) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(content), 0);
            channel.truncate(content.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            // Files.walk does not follow links, so links out of the tree are removed, not their targets.
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SafetensorsSeed safetensorsSeed(String name, byte[] head, long fileSize) {
        int n = (int) ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new SafetensorsSeed(name, Arrays.copyOfRange(head, Long.BYTES, Long.BYTES + n),
                fileSize - Long.BYTES - n);
    }

    private static Path write(String name, long shardBytes) {
        Path dir = ROOT.resolve(name);
        TINY.write(dir, 7, TinyLlama.Delta.NONE, shardBytes);
        return dir;
    }

    private static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
