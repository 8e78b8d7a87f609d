package dev.crucible.backend.device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The device buffers a {@link DeviceBackend} reuses from call to call, one per role ({@code "xs"}, {@code "keep"},
 * …), grown when a call needs more and freed on close: allocation is slow on every device, and a merge makes the
 * same calls with the same sizes tensor after tensor. Views ({@link Device#slice}) handed out during a window are
 * released by {@link #releaseViews()} when the window ends. The buffers draw from the engine's {@link DeviceMemory}:
 * when a role must grow past it, the buffers of roles the current window has not used are freed first.
 */
final class Scratch implements AutoCloseable {
    private final Device device;
    private final DeviceMemory memory;
    private final Map<String, Device.Buffer> buffers = new HashMap<>();
    private final Set<String> used = new HashSet<>();
    private final List<Device.Buffer> views = new ArrayList<>();

    Scratch(Device device, DeviceMemory memory) {
        this.device = device;
        this.memory = memory;
    }

    /** The buffer of {@code role}, at least {@code bytes} long; its contents are undefined. */
    Device.Buffer get(String role, long bytes) {
        used.add(role);
        Device.Buffer b = buffers.get(role);
        if (b == null || b.bytes() < bytes) {
            if (b != null) {
                free(role);
            }
            long size = Math.max(1, bytes);
            if (!memory.tryReserve(size)) {
                freeUnused();
                memory.reserve(size, "scratch buffer '" + role + "'");
            }
            b = device.allocate(size);
            buffers.put(role, b);
        }
        return b;
    }

    private void freeUnused() {
        for (String role : List.copyOf(buffers.keySet())) {
            if (!used.contains(role)) {
                free(role);
            }
        }
    }

    private void free(String role) {
        Device.Buffer b = buffers.remove(role);
        memory.release(b.bytes());
        b.close();
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

    /** Ends a window: its views are released and its roles no longer count as in use. */
    void releaseViews() {
        for (Device.Buffer v : views) {
            v.close();
        }
        views.clear();
        used.clear();
    }

    @Override
    public void close() {
        releaseViews();
        for (String role : List.copyOf(buffers.keySet())) {
            free(role);
        }
    }
}
