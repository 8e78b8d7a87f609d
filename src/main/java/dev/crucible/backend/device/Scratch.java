package dev.crucible.backend.device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The device buffers a {@link DeviceBackend} reuses from call to call, one per role ({@code "xs"}, {@code "keep"},
 * …), grown when a call needs more and freed on close: allocation is slow on every device, and a merge makes the
 * same calls with the same sizes tensor after tensor. Views ({@link Device#slice}) handed out during a call are
 * released by {@link #releaseViews()} when the call ends.
 */
final class Scratch implements AutoCloseable {
    private final Device device;
    private final Map<String, Device.Buffer> buffers = new HashMap<>();
    private final List<Device.Buffer> views = new ArrayList<>();

    Scratch(Device device) {
        this.device = device;
    }

    /** The buffer of {@code role}, at least {@code bytes} long; its contents are undefined. */
    Device.Buffer get(String role, long bytes) {
        Device.Buffer b = buffers.get(role);
        if (b == null || b.bytes() < bytes) {
            if (b != null) {
                b.close();
                buffers.remove(role);
            }
            b = device.allocate(Math.max(1, bytes));
            buffers.put(role, b);
        }
        return b;
    }

    /** A view of {@code bytes} bytes of {@code buffer} from {@code offset} (a multiple of 65,536). */
    Device.Buffer slice(Device.Buffer buffer, long offset, long bytes) {
        if (offset == 0 && bytes == buffer.bytes()) {
            return buffer;
        }
        Device.Buffer view = device.slice(buffer, offset, bytes);
        views.add(view);
        return view;
    }

    /** A buffer kernels receive where an optional argument is absent (they never read it). */
    Device.Buffer absent() {
        return get("absent", 8);
    }

    /** {@code values} in the buffer of {@code role}. */
    Device.Buffer floats(String role, float[] values) {
        try (Arena arena = Arena.ofConfined()) {
            return put(role, arena.allocateFrom(ValueLayout.JAVA_FLOAT, values));
        }
    }

    /** {@code values} in the buffer of {@code role}. */
    Device.Buffer longs(String role, long[] values) {
        try (Arena arena = Arena.ofConfined()) {
            return put(role, arena.allocateFrom(ValueLayout.JAVA_LONG, values));
        }
    }

    private Device.Buffer put(String role, MemorySegment host) {
        Device.Buffer b = get(role, host.byteSize());
        if (host.byteSize() > 0) {
            device.upload(host, b, 0);
        }
        return b;
    }

    void releaseViews() {
        for (Device.Buffer v : views) {
            v.close();
        }
        views.clear();
    }

    @Override
    public void close() {
        releaseViews();
        for (Device.Buffer b : buffers.values()) {
            b.close();
        }
        buffers.clear();
    }
}
