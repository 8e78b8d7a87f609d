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

/**
 * SHA-256 of files and byte streams, as lowercase hex: the digest the merge journal records for every shard (the same
 * value {@code sha256sum} prints, and the Hugging Face Hub's LFS object id of the file).
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

    /** Reads {@code file} once; errors are user-facing and name it. */
    public static String of(Path file) {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        } catch (IOException e) {
            throw new CrucibleException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
        return hex(digest);
    }
}
