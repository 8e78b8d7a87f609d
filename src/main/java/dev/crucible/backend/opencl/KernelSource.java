package dev.crucible.backend.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an OpenCL program from the classpath as one string, expanding {@code #include "path"} lines itself. The
 * sources are resources inside the jar, where a device compiler's {@code -I} cannot reach, so the includes are
 * resolved here: relative to the including resource's folder, each file at most once (as if every file had
 * {@code #pragma once}). {@code #line} markers keep the device compiler's build log pointing at the real file and
 * line.
 */
public final class KernelSource {
    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s+\"([^\"]+)\"\\s*$");

    private final ClassLoader loader;
    private final Set<String> included = new HashSet<>();
    private final StringBuilder out = new StringBuilder();

    private KernelSource(ClassLoader loader) {
        this.loader = loader;
    }

    /** The expanded text of resource {@code resource} (e.g. {@code kernels/opencl/crucible.cl}). */
    public static String load(String resource) {
        return load(resource, KernelSource.class.getClassLoader());
    }

    static String load(String resource, ClassLoader loader) {
        KernelSource source = new KernelSource(loader);
        source.expand(normalize(resource), null);
        return source.out.toString();
    }

    private void expand(String resource, String includedFrom) {
        if (!included.add(resource)) {
            return;
        }
        List<String> lines = read(resource, includedFrom);
        out.append("#line 1 \"").append(resource).append("\"\n");
        for (int n = 0; n < lines.size(); n++) {
            Matcher m = INCLUDE.matcher(lines.get(n));
            if (m.matches()) {
                expand(resolve(resource, m.group(1)), resource + " line " + (n + 1));
                out.append("#line ").append(n + 2).append(" \"").append(resource).append("\"\n");
            } else {
                out.append(lines.get(n)).append('\n');
            }
        }
    }

    private List<String> read(String resource, String includedFrom) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + resource + " is not on the classpath"
                        + (includedFrom == null ? "" : " (included from " + includedFrom + ")"));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + resource, e);
        }
    }

    /** {@code relative} against the folder of {@code from}, with {@code .} and {@code ..} removed. */
    static String resolve(String from, String relative) {
        int slash = from.lastIndexOf('/');
        return normalize(slash < 0 ? relative : from.substring(0, slash + 1) + relative);
    }

    private static String normalize(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new IllegalStateException("kernel include " + path + " leaves the classpath root");
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }
}
