package dev.crucible.io;

import dev.crucible.CrucibleException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The digests a merge records. Shard files get a CRC-32C (Castagnoli), as 8 lowercase hex digits: it catches a torn,
 * truncated or corrupted shard, and the CPU's CRC32 instruction computes it at memory speed, where a SHA-256 of the
 * output cost a 2-core machine 0.6 s of CPU per GB. Small texts that identify a merge (its config, its shard layout)
 * get a SHA-256.
 */
public final class FileHash {
    private static final int BUFFER = 1 << 20;

    private FileHash() {
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A checksum's value as a shard's digest: 8 lowercase hex digits. */
    public static String hex(Checksum checksum) {
        return HexFormat.of().toHexDigits((int) checksum.getValue());
    }

    /** The CRC-32C of {@code file}, read once; errors are user-facing and name it. */
    public static String crc32c(Path file) {
        CRC32C checksum = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                checksum.update(buffer.flip());
                buffer.clear();
            }
        } catch (IOException e) {
            throw new CrucibleException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
        return hex(checksum);
    }
}
