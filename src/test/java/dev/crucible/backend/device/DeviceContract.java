package dev.crucible.backend.device;

import dev.crucible.rng.MaskKey;
import dev.crucible.rng.Philox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Device} driver must do, run against one device per subclass: copies of odd sizes from and into
 * every kind of host segment (native, heap arrays of any type, read-only file mappings), views, and launches of
 * catalogue kernels (kernels.md) checked against the Java definitions of their bits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DeviceContract {
    protected Device device;

    @TempDir
    Path dir;

    /** Opens the device under test; called once per test class. */
    protected abstract Device open();

    @BeforeAll
    void openDevice() {
        device = open();
    }

    @AfterAll
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    @Test
    void roundTripsOddSizesAtOffsets() {
        for (int n : new int[] {1, 31, 4097}) {
            byte[] data = random(n, n);
            try (Arena arena = Arena.ofConfined(); Device.Buffer b = device.allocate(n + 13)) {
                device.upload(arena.allocateFrom(ValueLayout.JAVA_BYTE, data), b, 13);
                MemorySegment back = arena.allocate(n);
                device.download(b, 13, back);
                assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE), "native, " + n + " bytes");
                byte[] heap = new byte[n];
                device.download(b, 13, MemorySegment.ofArray(heap));
                assertArrayEquals(data, heap, "heap, " + n + " bytes");
            }
        }
    }

    @Test
    void copiesSpanningSeveralPieces() {
        long n = 150_000_003; // more than two 64 MiB staging pieces, and odd
        byte[] heap = new byte[(int) n];
        try (Arena arena = Arena.ofConfined(); Device.Buffer b = device.allocate(n + 5)) {
            MemorySegment src = arena.allocate(n);
            for (long i = 0; i < n; i++) {
                src.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + (i >>> 20)));
            }
            device.upload(src, b, 5);
            MemorySegment back = arena.allocate(n);
            device.download(b, 5, back);
            assertEquals(-1, src.mismatch(back), "native download");
            device.download(b, 5, MemorySegment.ofArray(heap));
            assertEquals(-1, src.mismatch(MemorySegment.ofArray(heap)), "heap download");
        }
    }

    @Test
    void copiesHeapSegmentsOfAnyElementType() {
        float[] values = new float[1001];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.37f - 100;
        }
        float[] back = new float[values.length];
        try (Device.Buffer b = device.allocate(4L * values.length)) {
            device.upload(MemorySegment.ofArray(values), b, 0);
            device.download(b, 0, MemorySegment.ofArray(back));
        }
        assertArrayEquals(values, back);
    }

    @Test
    void uploadsFromAReadOnlyFileMapping() throws IOException {
        byte[] data = random(3 * 4097, 7);
        Path file = Files.write(dir.resolve("data.bin"), data);
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Device.Buffer b = device.allocate(4097)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, data.length, arena);
            assertTrue(mapped.isReadOnly());
            device.upload(mapped.asSlice(4097, 4097), b, 0);
            MemorySegment back = arena.allocate(4097);
            device.download(b, 0, back);
            byte[] expected = new byte[4097];
            System.arraycopy(data, 4097, expected, 0, 4097);
            assertArrayEquals(expected, back.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void viewsAddressTheirPartOfTheBuffer() {
        int chunk = 65536;
        byte[] data = random(chunk, 3);
        byte[] whole = new byte[3 * chunk];
        try (Device.Buffer b = device.allocate(3 * chunk)) {
            device.upload(MemorySegment.ofArray(new byte[3 * chunk]), b, 0);
            try (Device.Buffer view = device.slice(b, chunk, 2 * chunk);
                 Device.Buffer inner = device.slice(view, chunk, chunk)) {
                assertEquals(chunk, inner.bytes());
                device.upload(MemorySegment.ofArray(data), inner, 0);
            }
            device.download(b, 0, MemorySegment.ofArray(whole));
        }
        for (int i = 0; i < whole.length; i++) {
            assertEquals(i >= 2 * chunk ? data[i - 2 * chunk] : 0, whole[i], "byte " + i);
        }
    }

    @Test
    void widensAndNarrowsEveryBf16Pattern() {
        int n = 70_000; // every pattern, then some again; not a multiple of the group size
        short[] bf16 = new short[n];
        for (int i = 0; i < n; i++) {
            bf16[i] = (short) i;
        }
        int[] widened = new int[n];
        short[] narrowed = new short[n];
        try (Device.Buffer src = device.allocate(2L * n); Device.Buffer f32 = device.allocate(4L * n);
             Device.Buffer dst = device.allocate(2L * n)) {
            device.upload(MemorySegment.ofArray(bf16), src, 0);
            device.launch("widen_bf16", groups(n), src, f32, (long) n);
            device.launch("narrow_bf16", groups(n), f32, dst, (long) n);
            device.download(f32, 0, MemorySegment.ofArray(widened));
            device.download(dst, 0, MemorySegment.ofArray(narrowed));
        }
        for (int i = 0; i < n; i++) {
            int bits = i & 0xFFFF;
            assertEquals(bits << 16, widened[i], "widen " + Integer.toHexString(bits));
            boolean nan = (bits & 0x7F80) == 0x7F80 && (bits & 0x7F) != 0;
            assertEquals(nan ? 0x7FC0 : bits, narrowed[i] & 0xFFFF, "narrow " + Integer.toHexString(bits));
        }
    }

    @Test
    void fillsOnlyTheFirstNBytes() {
        byte[] back = new byte[1024];
        try (Device.Buffer b = device.allocate(1024)) {
            device.upload(MemorySegment.ofArray(new byte[1024]), b, 0);
            device.launch("fill_u8", groups(1000), b, 7, 1000L);
            device.download(b, 0, MemorySegment.ofArray(back));
        }
        for (int i = 0; i < back.length; i++) {
            assertEquals(i < 1000 ? 7 : 0, back[i], "byte " + i);
        }
    }

    @Test
    void bernoulliMasksMatchPhilox() {
        long key = MaskKey.of(42, "model.layers.0.mlp.up_proj.weight", 1);
        long first = (1L << 32) - 3000; // the counter's high word changes inside the range
        int n = 10_000;
        for (double p : new double[] {0.3, 0.0, 1.0}) {
            long threshold = Philox.threshold(p);
            byte[] keep = new byte[n];
            try (Device.Buffer b = device.allocate(n)) {
                device.launch("mask_bernoulli", groups(n), first, (int) key, (int) (key >>> 32), threshold, b,
                        (long) n);
                device.download(b, 0, MemorySegment.ofArray(keep));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(Philox.keep(key, first + i, threshold) ? 1 : 0, keep[i], "p " + p + ", element " + i);
            }
        }
    }

    @Test
    void refusesUnknownKernelsAndOversizedBuffers() {
        assertThrows(IllegalArgumentException.class, () -> device.launch("no_such_kernel", 1));
        assertThrows(IllegalArgumentException.class, () -> device.allocate(device.maxAllocation() + 1));
    }

    @Test
    void aClosedDeviceRefusesWork() {
        Device other = open();
        Device.Buffer b = other.allocate(64);
        other.close();
        assertThrows(IllegalStateException.class, () -> other.allocate(64));
        assertThrows(IllegalStateException.class, () -> other.upload(MemorySegment.ofArray(new byte[64]), b, 0));
        b.close(); // harmless after the device freed it
    }

    protected static long groups(long n) {
        return (n + Device.GROUP - 1) / Device.GROUP;
    }

    private static byte[] random(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }
}
