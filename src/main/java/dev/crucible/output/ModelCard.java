package dev.crucible.output;

import dev.crucible.Version;
import dev.crucible.config.ModelReference;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.PlannedModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The output README.md, with mergekit's section structure (formats.md §7.4) so tools that read mergekit cards keep
 * working, plus a line naming Crucible, its version, the seed and the numeric contract. No network: a reference
 * counts as a Hub id only when it is not a local path and has the form {@code owner/name}.
 */
final class ModelCard {
    private static final Pattern HUB_ID = Pattern.compile("[A-Za-z0-9][\\w.-]*/[\\w.-]+");

    private ModelCard() {
    }

    static String render(MergePlan plan, Path outDir, long seed) {
        var info = plan.method().info();
        ModelReference base = plan.config().baseModel();
        List<String> hubIds = new ArrayList<>();
        for (PlannedModel m : plan.models()) {
            if (isHubId(m.reference())) {
                hubIds.add(m.reference().text());
            }
        }
        StringBuilder s = new StringBuilder("---\n");
        if (!hubIds.isEmpty()) {
            s.append("base_model:\n");
            hubIds.forEach(id -> s.append("- ").append(id).append('\n'));
        }
        s.append("library_name: transformers\ntags:\n- mergekit\n- merge\n- crucible\n---\n");
        s.append("# ").append(outDir.toAbsolutePath().normalize().getFileName()).append("\n\n");
        s.append("This is a merge of pre-trained language models created with Crucible, which reads ")
                .append("[mergekit](https://github.com/arcee-ai/mergekit) configurations.\n\n");
        s.append("## Merge Details\n### Merge Method\n\n");
        String methodName = info.referenceUrl() == null ? info.prettyName()
                : "[" + info.prettyName() + "](" + info.referenceUrl() + ")";
        s.append("This model was merged using the ").append(methodName).append(" merge method");
        if (base != null && !info.name().equals("slerp")) {
            s.append(" using ").append(link(base)).append(" as a base");
        }
        s.append(".\n\n### Models Merged\n\nThe following models were included in the merge:\n");
        for (PlannedModel m : plan.models()) {
            if (!m.reference().equals(base)) {
                s.append("* ").append(link(m.reference())).append('\n');
            }
        }
        s.append("\n### Configuration\n\nThe following YAML configuration was used to produce this model:\n\n");
        s.append("```yaml\n").append(plan.config().sourceText().stripTrailing()).append("\n```\n\n");
        s.append("Merged with Crucible ").append(Version.get()).append(", seed ").append(seed)
                .append(": float32 arithmetic, float64 reductions, one round-to-nearest-even rounding to the output")
                .append(" dtype; model weights are used exactly as written.\n");
        return s.toString();
    }

    private static boolean isHubId(ModelReference ref) {
        return !Path.of(ref.path()).toFile().exists() && HUB_ID.matcher(ref.path()).matches();
    }

    private static String link(ModelReference ref) {
        return isHubId(ref) ? "[" + ref.text() + "](https://huggingface.co/" + ref.path() + ")" : ref.text();
    }
}
