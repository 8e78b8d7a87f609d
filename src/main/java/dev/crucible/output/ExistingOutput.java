package dev.crucible.output;

import dev.crucible.CrucibleException;
import dev.crucible.io.ShardIndex;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an output directory holds before a merge writes into it (the merge holds its lock by then), and whether the
 * merge may: a fresh merge needs a directory without a checkpoint and without an unfinished merge; {@code --resume}
 * needs the journal of an unfinished (or finished) merge, or nothing at all, in which case it starts afresh.
 */
final class ExistingOutput {
    private ExistingOutput() {
    }

    /**
     * @return the journal of the merge to continue: present only with {@code resume}
     * @throws CrucibleException when the directory cannot be written into, with what to do about it
     */
    static Optional<MergeJournal.Contents> check(Path dir, boolean resume) {
        List<String> checkpoint = new ArrayList<>();
        List<String> partial = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(".partial")) {
                    partial.add(name);
                }
                if (name.equals("config.json") || name.endsWith(".safetensors") || name.equals(ShardIndex.FILE_NAME)) {
                    checkpoint.add(name);
                }
            }
        } catch (IOException e) {
            throw new CrucibleException("cannot read output directory " + dir + ": " + e.getMessage(), e);
        }
        checkpoint.sort(null);
        partial.sort(null);
        Optional<MergeJournal.Contents> journal = MergeJournal.read(dir);
        if (resume) {
            if (journal.isEmpty() && !checkpoint.isEmpty()) {
                throw new CrucibleException(dir + " contains a checkpoint (" + checkpoint.getFirst() + ") but no merge"
                        + " journal (" + MergeJournal.FILE_NAME + "), so there is no Crucible merge to resume; remove"
                        + " it or choose another output directory");
            }
            return journal;
        }
        if (journal.isPresent()) {
            int shards = journal.get().identity().shards();
            if (finished(dir, shards)) {
                throw alreadyACheckpoint(dir, checkpoint.getFirst());
            }
            throw new CrucibleException(dir + " holds an unfinished merge (" + journal.get().shards().size() + " of "
                    + shards + " shard" + (shards == 1 ? "" : "s") + " done); rerun with --resume to continue it, or"
                    + " remove the directory");
        }
        if (!partial.isEmpty()) {
            throw new CrucibleException(dir + " holds an unfinished merge (" + partial.getFirst() + "); remove the"
                    + " directory or choose another one");
        }
        if (!checkpoint.isEmpty()) {
            throw alreadyACheckpoint(dir, checkpoint.getFirst());
        }
        return Optional.empty();
    }

    /** Whether the file that is written last exists: the index, or config.json for a single shard. */
    static boolean finished(Path dir, int shards) {
        return Files.exists(dir.resolve(shards > 1 ? ShardIndex.FILE_NAME : "config.json"));
    }

    private static CrucibleException alreadyACheckpoint(Path dir, String name) {
        return new CrucibleException(dir + " already contains a checkpoint (" + name + "); remove it or choose another"
                + " output directory");
    }
}
