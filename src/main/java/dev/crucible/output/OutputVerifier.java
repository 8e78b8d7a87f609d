package dev.crucible.output;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.config.ConfigLoader;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.DType;
import dev.crucible.io.FileStamp;
import dev.crucible.io.FormatException;
import dev.crucible.io.NonFinite;
import dev.crucible.io.SafetensorsFile;
import dev.crucible.io.ShardIndex;
import dev.crucible.io.TensorInfo;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.Planner;
import dev.crucible.plan.TensorJob;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code crucible verify OUT}: reads a merged checkpoint back and checks all that can be checked. Every weight file the
 * index lists (or the single model.safetensors) must exist, pass the reader's validation and have the size and
 * CRC-32C its merge journal recorded; index and shards must agree tensor for tensor; every tensor is scanned for NaN
 * and Inf; and when the config saved with the weights (crucible_config.yml) can still be planned (its input models at
 * hand), the tensor names, dtypes and shapes must be the plan's. What cannot be checked is said in a note.
 */
public final class OutputVerifier {
    static final String SAVED_CONFIG = "crucible_config.yml";

    /** The outcome: what was read, what could not be checked, and every problem found (one line each). */
    public record Report(int shards, int tensors, long bytes, List<String> notes, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Path dir;
    private final List<String> notes = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    private final Set<String> unreadable = new HashSet<>();
    private Optional<MergeJournal.Contents> journal = Optional.empty();
    private long bytes;

    private OutputVerifier(Path dir) {
        this.dir = dir;
    }

    /** @throws CrucibleException if {@code dir} holds no checkpoint and no merge journal at all */
    public static Report verify(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CrucibleException(dir + ": not a directory (crucible verify checks the output directory of a"
                    + " merge)");
        }
        return new OutputVerifier(dir).run();
    }

    private Report run() {
        readJournal();
        boolean fromIndex = true;
        List<String> listed;
        try {
            listed = Checkpoint.weightFileNames(dir);
        } catch (FormatException e) {
            problems.add(e.getMessage());
            listed = journal.map(j -> j.shards().keySet().stream().sorted().toList()).orElse(List.of());
            fromIndex = false;
        }
        List<String> files = listed;
        if (files.isEmpty() && journal.isEmpty() && problems.isEmpty()) {
            throw new CrucibleException(dir + ": no " + ShardIndex.FILE_NAME + ", model.safetensors or merge journal;"
                    + " not the output of a merge");
        }
        checkFinished(files);
        files.forEach(this::checkShard);
        if (fromIndex && journal.isPresent()) {
            journal.get().shards().keySet().stream().sorted().filter(s -> !files.contains(s)).forEach(s ->
                    problems.add(s + ": recorded in the journal, but the checkpoint does not list it"));
        }
        if (fromIndex && unreadable.isEmpty() && files.size() > 1) {
            try (Checkpoint c = Checkpoint.open(dir)) {
                // opening cross-checks the index against the shards
            } catch (FormatException e) {
                problems.add(e.getMessage());
            }
        }
        checkAgainstPlan();
        return new Report(files.size(), tensors.size(), bytes, List.copyOf(notes), List.copyOf(problems));
    }

    private void readJournal() {
        try {
            journal = MergeJournal.read(dir);
        } catch (CrucibleException e) {
            problems.add(e.getMessage());
            return;
        }
        if (journal.isEmpty()) {
            notes.add("no merge journal (" + MergeJournal.FILE_NAME + "): the shards' CRC-32C cannot be checked");
        }
    }

    private void checkFinished(List<String> files) {
        if (!Files.exists(dir.resolve("config.json"))) {
            problems.add("config.json is missing");
        }
        journal.ifPresent(j -> {
            int shards = j.identity().shards();
            if (!ExistingOutput.finished(dir, shards)) {
                problems.add("the merge did not finish (" + j.shards().size() + " of " + shards + " shards recorded);"
                        + " crucible merge --resume completes it");
            } else if (files.size() != shards) {
                problems.add("the checkpoint lists " + files.size() + " weight files, the journal's merge wrote "
                        + shards);
            }
        });
    }

    private void checkShard(String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            problems.add(name + ": missing");
            unreadable.add(name);
            return;
        }
        journal.ifPresent(j -> {
            MergeJournal.Entry entry = j.shards().get(name);
            if (entry == null) {
                problems.add(name + ": not recorded in the journal");
            } else {
                CompletedShards.problem(dir, entry).ifPresent(p -> problems.add(name + ": " + p));
            }
        });
        try (SafetensorsFile shard = SafetensorsFile.open(file)) {
            bytes += shard.size();
            for (TensorInfo t : shard.header().tensors()) {
                if (tensors.putIfAbsent(t.name(), t) != null) {
                    problems.add(t.name() + ": in more than one shard (" + name + " too)");
                }
                long bad = NonFinite.count(t.dtype(), shard.data(t));
                if (bad > 0) {
                    problems.add(t.name() + " (" + name + "): " + bad + " NaN/Inf value" + (bad == 1 ? "" : "s"));
                }
            }
        } catch (FormatException e) {
            problems.add(e.getMessage());
            unreadable.add(name);
        }
    }

    /** Plans the saved config again, if its inputs are at hand, and compares tensor names, dtypes and shapes. */
    private void checkAgainstPlan() {
        Path saved = dir.resolve(SAVED_CONFIG);
        if (!Files.isRegularFile(saved)) {
            notes.add("no " + SAVED_CONFIG + ": tensor names and shapes are not checked against a plan");
            return;
        }
        boolean allowCrimes = journal.map(j -> j.identity().allowCrimes()).orElse(false);
        MergePlan plan;
        try {
            plan = Planner.plan(ConfigLoader.load(saved), new Planner.Options(allowCrimes), new Warnings());
        } catch (CrucibleException e) {
            notes.add("cannot plan " + SAVED_CONFIG + " again (" + e.getMessage() + "): tensor names and shapes are"
                    + " not checked against it");
            return;
        }
        try (plan) {
            int before = problems.size();
            Set<String> planned = new HashSet<>();
            for (TensorJob job : plan.jobs()) {
                planned.add(job.name());
                TensorInfo actual = tensors.get(job.name());
                if (actual == null) {
                    if (unreadable.isEmpty()) {
                        problems.add(job.name() + ": planned, but not in the checkpoint");
                    }
                } else if (actual.dtype() != job.dtype() || !Arrays.equals(actual.shape(), job.shape())) {
                    problems.add(job.name() + ": " + describe(actual.dtype(), actual.shape()) + " in the checkpoint,"
                            + " the plan says " + describe(job.dtype(), job.shape()));
                }
            }
            tensors.keySet().stream().filter(n -> !planned.contains(n)).forEach(n ->
                    problems.add(n + ": in the checkpoint, but not in the plan of " + SAVED_CONFIG));
            if (problems.size() == before) {
                notes.add("tensor names, dtypes and shapes match the plan of " + SAVED_CONFIG);
            }
        }
        journal.ifPresent(j -> j.identity().inputs().forEach(this::noteChangedInput));
    }

    private void noteChangedInput(FileStamp recorded) {
        recorded.change().ifPresent(c -> notes.add("input " + recorded.path() + " changed since the merge (" + c
                + ")"));
    }

    private static String describe(DType dtype, long[] shape) {
        return dtype + " " + Arrays.toString(shape);
    }
}
