package dev.crucible.output;

import dev.crucible.io.FileHash;
import dev.crucible.io.ShardPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which shards of an interrupted merge are complete: each shard its journal records must exist with the recorded
 * size and CRC-32C (the file is read and checksummed again, several files at once). A shard that fails is written again.
 */
final class CompletedShards {
    /** The shards found intact, in shard order, and one line for each recorded shard that is not. */
    record Result(List<MergeJournal.Entry> intact, List<String> damaged) {
    }

    private record Verdict(MergeJournal.Entry entry, String problem) {
    }

    private CompletedShards() {
    }

    static Result check(Path dir, MergeJournal.Contents journal, ShardPlan shards) {
        List<Verdict> verdicts = shards.shards().parallelStream()
                .map(s -> journal.shards().get(s.fileName()))
                .filter(Objects::nonNull)
                .map(e -> new Verdict(e, problem(dir, e).orElse(null)))
                .toList();
        return new Result(verdicts.stream().filter(v -> v.problem() == null).map(Verdict::entry).toList(),
                verdicts.stream().filter(v -> v.problem() != null).map(v -> v.entry().shard() + ": " + v.problem()
                        + "; it is written again").toList());
    }

    /** Why the file does not match its record; empty when it does. */
    static Optional<String> problem(Path dir, MergeJournal.Entry e) {
        Path file = dir.resolve(e.shard());
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e1) {
            return Optional.of("missing, though the journal records it");
        }
        if (size != e.size()) {
            return Optional.of(size + " bytes, the journal records " + e.size());
        }
        if (!FileHash.crc32c(file).equals(e.crc32c())) {
            return Optional.of("its CRC-32C differs from the journal's: the file changed after it was written");
        }
        return Optional.empty();
    }
}
