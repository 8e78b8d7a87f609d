package dev.crucible.exec;

import dev.crucible.CrucibleException;
import dev.crucible.io.FileStamp;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.PlannedModel;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Notices an input file that changes while the merge reads it. Inputs are memory-mapped, so a file rewritten in place
 * would feed a mix of old and new weights into the output; the size and modification time recorded when each file
 * was opened are compared again before every shard is committed and once at the end.
 */
public final class InputWatch {
    private final List<FileStamp> stamps;

    private InputWatch(List<FileStamp> stamps) {
        this.stamps = stamps;
    }

    /** Every weight file the plan reads, as it was when the planner opened it. */
    public static InputWatch of(MergePlan plan) {
        Map<Path, FileStamp> byPath = new LinkedHashMap<>();
        for (PlannedModel m : plan.models()) {
            m.checkpoint().stamps().forEach(s -> byPath.putIfAbsent(s.path(), s));
        }
        return new InputWatch(List.copyOf(byPath.values()));
    }

    /** The recorded stamps, one per distinct file. */
    public List<FileStamp> stamps() {
        return stamps;
    }

    /** @throws CrucibleException naming the first file that changed since it was opened */
    public void check() {
        for (FileStamp s : stamps) {
            s.change().ifPresent(change -> {
                throw new CrucibleException("input " + s.path() + " changed during the merge (" + change + "): the"
                        + " output could mix old and new weights, so the merge stopped; merge again into a new"
                        + " directory once the inputs no longer change");
            });
        }
    }
}
