package dev.crucible.exec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory available to a new allocation: Linux's MemAvailable, which counts reclaimable page cache; elsewhere the
 * free physical memory.
 */
public final class HostMemory {
    private HostMemory() {
    }

    /** Bytes available for new allocations without swapping. */
    public static long available() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an unexpected format: the JVM's figure below
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getFreeMemorySize();
    }
}
