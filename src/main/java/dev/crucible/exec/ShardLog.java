package dev.crucible.exec;

import dev.crucible.io.ShardPlan;

import java.nio.file.Path;

/**
 * The merge's record of finished shards, as the executor sees it: which shards an earlier, interrupted run already
 * completed (they are skipped), and each shard as it is committed. The merge journal implements it.
 */
public interface ShardLog {
    /** Records nothing and skips nothing. */
    ShardLog NONE = (shard, file, size, crc32c) -> { };

    /** Whether {@code shard} is already complete on disk and must not be written again. */
    default boolean isComplete(ShardPlan.Shard shard) {
        return false;
    }

    /**
     * Called once {@code shard} has been renamed into place and flushed.
     *
     * @param crc32c the file's CRC-32C ({@link dev.crucible.io.FileHash}), computed while it was written
     */
    void committed(ShardPlan.Shard shard, Path file, long size, String crc32c);
}
