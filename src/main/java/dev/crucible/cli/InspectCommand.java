package dev.crucible.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crucible.exec.Sizes;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.TensorInfo;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code crucible inspect PATH}: tensors, dtypes, shapes, sizes and shards of a checkpoint directory or a single
 * .safetensors file, with a config.json summary. Reads headers only, so it is instant at any model size.
 */
final class InspectCommand implements Command {
    private static final List<String> CONFIG_KEYS = List.of("model_type", "num_hidden_layers", "hidden_size",
            "intermediate_size", "num_attention_heads", "num_key_value_heads", "vocab_size", "torch_dtype",
            "tie_word_embeddings");

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String usage() {
        return "PATH";
    }

    @Override
    public String summary() {
        return "list the tensors, dtypes, shapes and shards of a checkpoint (headers only)";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        try (Checkpoint c = Checkpoint.open(Arguments.path(Arguments.positional(line, 1, 1).getFirst()))) {
            out.printf("checkpoint: %s (%d shard%s, %d tensors, %s)%n", c.directory(), c.shardFiles().size(),
                    c.shardFiles().size() == 1 ? "" : "s", c.tensorNames().size(), Sizes.human(c.totalBytes()));
            Optional<ObjectNode> config = c.config();
            out.println("config.json: " + config.map(InspectCommand::summarize).orElse("absent"));
            int width = c.tensorNames().stream().mapToInt(String::length).max().orElse(4);
            for (String name : c.tensorNames()) {
                TensorInfo t = c.info(name);
                out.printf("  %-" + width + "s  %-5s %-20s %10s  %s%n", name, t.dtype(), t.shapeString(),
                        Sizes.human(t.byteSize()), c.shardFileName(name));
            }
        }
        return 0;
    }

    private static String summarize(ObjectNode config) {
        List<String> parts = new ArrayList<>();
        JsonNode arch = config.path("architectures");
        if (arch.isArray() && !arch.isEmpty()) {
            parts.add(arch.get(0).asText());
        }
        for (String key : CONFIG_KEYS) {
            if (config.has(key)) {
                parts.add(key + "=" + config.get(key).asText());
            }
        }
        return String.join(", ", parts);
    }
}
