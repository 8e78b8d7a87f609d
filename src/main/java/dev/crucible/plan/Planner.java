package dev.crucible.plan;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.config.InputModel;
import dev.crucible.config.InputSlice;
import dev.crucible.config.MergeConfig;
import dev.crucible.config.ModelReference;
import dev.crucible.config.OutputSlice;
import dev.crucible.config.Parameters;
import dev.crucible.config.SourceLines;
import dev.crucible.config.TokenizerSource;
import dev.crucible.io.DType;
import dev.crucible.io.TensorInfo;
import dev.crucible.method.MergeMethod;
import dev.crucible.method.MethodInfo;
import dev.crucible.method.MethodRegistry;
import dev.crucible.method.ParamSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a validated config into a {@link MergePlan}, reading only checkpoint headers.
 *
 * <p>It normalizes {@code models:} into one slice (appending the base, as mergekit does), numbers output layers
 * across slices, takes pre-layer weights from the first slice and post-layer weights from the last, each at
 * {@code t = 0}, resolves every parameter per tensor (merge-methods.md §2.3–§2.6), applies the tied-embedding rules
 * (formats.md §9), and checks that inputs agree in shape and kind. Every input tensor ends up in a job, or in the
 * plan's list of unconsumed tensors.
 */
public final class Planner {

    /** User switches that change planning. */
    public record Options(boolean allowCrimes) {
        public static final Options DEFAULT = new Options(false);
    }

    /** A slice after normalization: sources as model indexes with their parameters. */
    private record Slice(List<Source> sources, Integer base, Parameters parameters, String keyPath) {
        int length() {
            return sources.isEmpty() ? 0 : sources.getFirst().end() - sources.getFirst().start();
        }
    }

    private record Source(int model, int start, int end, Parameters parameters, String keyPath) {
    }

    private final MergeConfig config;
    private final SourceLines lines;
    private final MergeMethod method;
    private final Warnings warnings;
    private final Options options;
    private final List<PlannedModel> models = new ArrayList<>();
    /** Layouts of the models' tensors, per (module, model). */
    private final Map<String, ModelLayout> layouts = new HashMap<>();
    private Module module;
    private final List<Set<String>> consumed = new ArrayList<>();
    private final List<Set<String>> dropped = new ArrayList<>();
    private final List<TensorJob> jobs = new ArrayList<>();
    private boolean tiedEmbeddings;

    private Planner(MergeConfig config, Options options, Warnings warnings) {
        this.config = config;
        this.lines = config.lines();
        this.options = options;
        this.warnings = warnings;
        this.method = MethodRegistry.find(config.mergeMethod()).orElseThrow(() -> lines.error("merge_method",
                "unknown merge method '" + config.mergeMethod() + "'; valid: "
                        + String.join(", ", MethodRegistry.names())));
    }

    /** Plans {@code config}; the caller closes the returned plan. Any problem is a {@link CrucibleException}. */
    public static MergePlan plan(MergeConfig config, Options options, Warnings warnings) {
        Planner p = new Planner(config, options, warnings);
        try {
            return p.build();
        } catch (RuntimeException e) {
            p.models.forEach(m -> m.checkpoint().close());
            throw e;
        }
    }

    private MergePlan build() {
        checkSupported();
        if (config.baseModel() != null) {
            model(config.baseModel(), "base_model");
        }
        List<Module> modules = config.modules() == null ? List.of(Module.whole(config))
                : config.modules().entrySet().stream().map(e -> Module.of(e.getKey(), e.getValue())).toList();
        Map<Module, List<Slice>> normalized = new LinkedHashMap<>();
        for (Module m : modules) {
            module = m;
            normalized.put(m, normalize());
        }
        checkArchitectures();
        warnAboutParameters(modules);
        tiedEmbeddings = donorConfigFlag("tie_word_embeddings");
        List<MergePlan.LayerCount> layerCounts = new ArrayList<>();
        for (Map.Entry<Module, List<Slice>> e : normalized.entrySet()) {
            module = e.getKey();
            List<MergePlan.LayerOrigin> origins = planModule(e.getValue());
            if (module.sliced()) {
                layerCounts.add(new MergePlan.LayerCount(module.layerCountKey(), List.copyOf(origins)));
            }
        }
        if (jobs.isEmpty()) {
            throw new CrucibleException("the config selects no tensors to write (empty slices?)");
        }
        return new MergePlan(config, method, List.copyOf(models), donorIndex(), List.copyOf(jobs),
                List.copyOf(layerCounts), unconsumed(), TensorJob.distinctInputBytes(jobs),
                jobs.stream().mapToLong(TensorJob::outputBytes).sum(),
                jobs.stream().mapToLong(TensorJob::outputBytes).max().orElse(0));
    }

    /** Plans one module: pre-layer weights from the first slice, layers numbered across slices, then post. */
    private List<MergePlan.LayerOrigin> planModule(List<Slice> slices) {
        planNonLayer(slices.getFirst(), true);
        int outLayer = 0;
        List<MergePlan.LayerOrigin> origins = new ArrayList<>();
        for (Slice s : slices) {
            for (int k = 0; k < s.length(); k++) {
                double t = s.length() > 1 ? (double) k / (s.length() - 1) : 1.0;
                planLayer(s, k, outLayer, t);
                origins.add(new MergePlan.LayerOrigin(s.sources().getFirst().model(),
                        s.sources().getFirst().start() + k));
                outLayer++;
            }
        }
        planNonLayer(slices.getLast(), false);
        return origins;
    }

    // ---- configuration checks --------------------------------------------------------------------------------

    private void checkSupported() {
        if (config.tokenizer() != null) {
            throw lines.error("tokenizer", "tokenizer: (vocabulary union and embedding remapping) is not supported"
                    + " yet; the donor's tokenizer is copied when it is omitted");
        }
        TokenizerSource ts = config.tokenizerSource();
        if (ts != null && !(ts instanceof TokenizerSource.Base)) {
            throw lines.error("tokenizer_source", "only tokenizer_source: base is supported yet"
                    + " (union and per-model tokenizers need embedding remapping)");
        }
        for (String key : List.of("dtype", "out_dtype")) {
            DType d = key.equals("dtype") ? config.dtype() : config.outDtype();
            if (d != null && !d.mergeable()) {
                throw lines.error(key, d.torchName() + " is not a dtype merged weights can be written in;"
                        + " use bfloat16, float16 or float32");
            }
        }
    }

    private void checkArchitectures() {
        String first = null;
        for (PlannedModel m : models) {
            String arch = m.checkpoint().config().map(c -> c.path("architectures").toString()).orElse("[]");
            if (first == null) {
                first = arch;
            } else if (!first.equals(arch) && !options.allowCrimes()) {
                throw new CrucibleException("models have different architectures (" + models.getFirst().label()
                        + ": " + first + ", " + m.label() + ": " + arch + "); pass --allow-crimes to merge anyway");
            }
        }
    }

    /** Unknown parameter names, and global parameters placed where only per-model ones are read (§2.1). */
    private void warnAboutParameters(List<Module> modules) {
        Set<String> known = new HashSet<>();
        method.info().parameters().forEach(p -> known.add(p.name()));
        Map<String, Parameters> blocks = new LinkedHashMap<>();
        blocks.put("parameters", config.parameters());
        for (Module m : modules) {
            if (!m.keyPath().isEmpty()) {
                blocks.put(m.keyPath() + ".parameters", m.parameters());
            }
            if (m.models() != null) {
                for (InputModel im : m.models()) {
                    blocks.put(im.keyPath() + ".parameters", im.parameters());
                }
            } else {
                for (OutputSlice s : m.slices()) {
                    blocks.put(s.keyPath() + ".parameters", s.parameters());
                    for (InputSlice src : s.sources()) {
                        blocks.put(src.keyPath() + ".parameters", src.parameters());
                    }
                }
            }
        }
        for (Map.Entry<String, Parameters> b : blocks.entrySet()) {
            boolean sourceLevel = b.getKey().contains("models[") || b.getKey().contains("sources[");
            for (String name : b.getValue().values().keySet()) {
                Optional<ParamSpec> spec = method.info().parameter(name);
                String where = b.getKey() + "." + name;
                if (!known.contains(name)) {
                    warnings.warn("unused-param:" + name, where(where) + ": parameter '" + name + "' is not used by "
                            + method.info().name() + " (it takes: " + paramNames() + ")");
                } else if (sourceLevel && !spec.get().perModel()) {
                    warnings.warn("global-at-source:" + where, where(where) + ": '" + name + "' is a global parameter"
                            + " of " + method.info().name() + "; per-model values are ignored (set it under the"
                            + " top-level or slice parameters)");
                }
            }
        }
    }

    private String where(String keyPath) {
        int line = lines.line(keyPath);
        return lines.sourceName() + (line > 0 ? ":" + line : "") + ": " + keyPath;
    }

    private String paramNames() {
        List<String> names = method.info().parameters().stream().map(ParamSpec::name).toList();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    // ---- models and slices -------------------------------------------------------------------------------------

    private int model(ModelReference ref, String keyPath) {
        for (int i = 0; i < models.size(); i++) {
            if (models.get(i).reference().equals(ref)) {
                return i;
            }
        }
        models.add(new PlannedModel(ref, ModelLocator.open(ref, lines, keyPath)));
        consumed.add(new HashSet<>());
        dropped.add(new HashSet<>());
        return models.size() - 1;
    }

    /** The current module's tensors of {@code model}, sorted into layers. */
    private ModelLayout layout(int model) {
        return layouts.computeIfAbsent(module.name() + "\u0000" + model, k -> new ModelLayout(
                models.get(model).checkpoint().tensorNames().stream().filter(module.owns()).toList()));
    }

    private int donorIndex() {
        if (config.baseModel() != null) {
            for (int i = 0; i < models.size(); i++) {
                if (models.get(i).reference().equals(config.baseModel())) {
                    return i;
                }
            }
        }
        return 0;
    }

    private boolean donorConfigFlag(String key) {
        return models.get(donorIndex()).checkpoint().config().map(c -> c.path(key).asBoolean(false)).orElse(false);
    }

    /** The current module's slices, with models opened and the base appended to a {@code models:} list. */
    private List<Slice> normalize() {
        Integer base = config.baseModel() == null ? null : model(config.baseModel(), "base_model");
        List<Slice> slices = new ArrayList<>();
        if (module.models() != null) {
            List<Source> sources = new ArrayList<>();
            for (InputModel m : module.models()) {
                int idx = model(m.model(), m.keyPath() + ".model");
                sources.add(new Source(idx, 0, layout(idx).layerCount(), m.parameters(), m.keyPath()));
            }
            if (base != null && sources.stream().noneMatch(s -> s.model() == base)) {
                // mergekit's normalize_config appends an unlisted base as an extra source without parameters.
                sources.add(new Source(base, 0, layout(base).layerCount(), Parameters.EMPTY, "base_model"));
            }
            for (Source s : sources) {
                if (s.end() != sources.getFirst().end()) {
                    throw lines.error(module.keyPath().isEmpty() ? "models" : module.keyPath() + ".models",
                            "All inputs to a slice must contain the same number of layers: "
                            + describeDepths(sources));
                }
            }
            slices.add(new Slice(sources, base, Parameters.EMPTY, module.keyPath()));
        } else {
            for (OutputSlice s : module.slices()) {
                Integer sliceBase = s.baseModel() != null ? Integer.valueOf(model(s.baseModel(),
                        s.keyPath() + ".base_model")) : base;
                List<Source> sources = new ArrayList<>();
                for (InputSlice src : s.sources()) {
                    int idx = model(src.model(), src.keyPath() + ".model");
                    int layers = layout(idx).layerCount();
                    if (src.end() > layers) {
                        throw lines.error(src.keyPath() + ".layer_range", "layer_range [" + src.start() + ", "
                                + src.end() + "] exceeds the " + layers + " layers of " + src.model().text());
                    }
                    sources.add(new Source(idx, src.start(), src.end(), src.parameters(), src.keyPath()));
                }
                slices.add(new Slice(sources, sliceBase, s.parameters(), s.keyPath()));
            }
        }
        for (int i = 0; i < models.size(); i++) {
            List<Integer> missing = layout(i).missingLayers();
            if (!missing.isEmpty()) {
                throw new CrucibleException(models.get(i).label() + ": layers " + missing + " have no tensors"
                        + " although the model has " + layout(i).layerCount() + " layers");
            }
        }
        return slices;
    }

    private String describeDepths(List<Source> sources) {
        List<String> parts = new ArrayList<>();
        for (Source s : sources) {
            parts.add(models.get(s.model()).label() + " has " + (s.end() - s.start()));
        }
        return String.join(", ", parts);
    }

    // ---- tensors -----------------------------------------------------------------------------------------------

    private void planNonLayer(Slice slice, boolean pre) {
        TreeSet<String> names = new TreeSet<>();
        for (Source s : slice.sources()) {
            names.addAll(pre ? layout(s.model()).preLayer() : layout(s.model()).postLayer());
        }
        for (String name : names) {
            if (TensorName.isLmHead(name) && tiedEmbeddings) {
                dropTiedHead(slice, name);
                continue;
            }
            List<String> inputNames = new ArrayList<>();
            for (Source s : slice.sources()) {
                inputNames.add(TensorName.isLmHead(name) ? headOrTiedEmbedding(s, name) : name);
            }
            addJob(slice, name, inputNames, 0.0);
        }
    }

    /** Donor ties embeddings: a loader ignores lm_head, so it is not written (formats.md §9). */
    private void dropTiedHead(Slice slice, String name) {
        for (Source s : slice.sources()) {
            if (models.get(s.model()).checkpoint().has(name)) {
                dropped.get(s.model()).add(name);
                warnings.affecting("tied-head", "the donor model ties its embeddings (tie_word_embeddings: true), so"
                        + " inputs' " + name + " tensors are not merged or written", models.get(s.model()).label());
            }
        }
    }

    private String headOrTiedEmbedding(Source s, String head) {
        if (models.get(s.model()).checkpoint().has(head)) {
            return head;
        }
        for (String name : layout(s.model()).preLayer()) {
            if (TensorName.isTokenEmbedding(name)) {
                return name;
            }
        }
        return head; // reported as missing by addJob
    }

    private void planLayer(Slice slice, int k, int outLayer, double t) {
        TreeSet<String> suffixes = new TreeSet<>();
        for (Source s : slice.sources()) {
            suffixes.addAll(layout(s.model()).layer(s.start() + k).keySet());
        }
        String prefix = layout(slice.sources().getFirst().model()).layerPrefix();
        for (String suffix : suffixes) {
            List<String> inputNames = new ArrayList<>();
            for (Source s : slice.sources()) {
                String name = layout(s.model()).layer(s.start() + k).get(suffix);
                inputNames.add(name != null ? name : layout(s.model()).layerPrefix() + (s.start() + k) + "."
                        + suffix);
            }
            addJob(slice, prefix + outLayer + "." + suffix, inputNames, t);
        }
    }

    private void addJob(Slice slice, String outName, List<String> inputNames, double t) {
        List<JobInput> inputs = new ArrayList<>();
        for (int i = 0; i < slice.sources().size(); i++) {
            Source s = slice.sources().get(i);
            PlannedModel m = models.get(s.model());
            String name = inputNames.get(i);
            if (!m.checkpoint().has(name)) {
                throw new CrucibleException("Tensor " + name + " required but not present in model " + m.label()
                        + " (needed for output " + outName + ")");
            }
            boolean isBase = slice.base() != null && s.model() == slice.base();
            inputs.add(new JobInput(s.model(), i, name, m.checkpoint().info(name), isBase,
                    perModelParams(slice, s, name, t, isBase)));
            consumed.get(s.model()).add(name);
        }
        JobInput base = null;
        if (method.info().baseUse() != MethodInfo.BaseUse.ORDINARY) {
            base = inputs.stream().filter(JobInput::isBase).findFirst().orElse(null);
            if (base == null && method.info().baseUse() == MethodInfo.BaseUse.REQUIRED) {
                throw sliceError(slice, method.info().name() + " needs base_model among the sources of every slice");
            }
            inputs.remove(base);
        }
        String problem = method.checkInputs(inputs.size(), base != null);
        if (problem != null) {
            throw sliceError(slice, outName + ": " + problem);
        }
        Map<String, Double> global = globalParams(slice, outName, t);
        for (JobInput in : inputs) {
            String bad = method.checkParameters(global, in.params());
            if (bad != null) {
                throw lines.error(slice.sources().get(in.source()).keyPath(), models.get(in.model()).label() + "."
                        + in.tensor() + ": " + bad);
            }
        }
        TensorInfo shapeRef = (base != null ? base : inputs.getFirst()).info();
        long[] shape = outputShape(outName, inputs, base);
        TensorJob.Kind kind = kindOf(outName, inputs, base);
        DType dtype = kind == TensorJob.Kind.COPY ? shapeRef.dtype() : outputDtype(inputs, base);
        jobs.add(new TensorJob(outName, dtype, shape, kind, List.copyOf(inputs), base, t, global));
    }

    private CrucibleException sliceError(Slice slice, String problem) {
        return slice.keyPath().isEmpty() ? lines.error("merge_method", problem) : lines.error(slice.keyPath(),
                problem);
    }

    /**
     * The inputs' common shape. Embedding matrices whose vocabularies differ are rectified (merge-methods.md §2.9):
     * to the base's row count when there is a separate base (a smaller input cannot be grown: error), else to the
     * smallest; the kept rows are a prefix, so inputs are read in place. Any other mismatch is an error.
     */
    private long[] outputShape(String outName, List<JobInput> inputs, JobInput base) {
        List<JobInput> all = base == null ? inputs : concat(base, inputs);
        long[] first = all.getFirst().info().shape();
        if (all.stream().allMatch(in -> Arrays.equals(in.info().shape(), first))) {
            return first;
        }
        boolean embedding = TensorName.isTokenEmbedding(outName) || TensorName.isLmHead(outName);
        boolean sameColumns = all.stream().allMatch(in -> in.info().shape().length == 2
                && in.info().shape()[1] == first[1]);
        if (!embedding || !sameColumns) {
            throw new CrucibleException(outName + ": shape mismatch: " + describeShapes(inputs, base));
        }
        long rows = base != null ? base.info().shape()[0]
                : all.stream().mapToLong(in -> in.info().shape()[0]).min().orElseThrow();
        for (JobInput in : all) {
            if (in.info().shape()[0] < rows) {
                throw new CrucibleException(outName + ": " + models.get(in.model()).label() + " has "
                        + in.info().shape()[0] + " rows, fewer than the base's " + rows + "; a base-relative merge"
                        + " cannot grow it (" + describeShapes(inputs, base) + ")");
            }
        }
        warnings.affecting("rectify", "embedding sizes differ; merging the first rows common to the inputs"
                + (base != null ? " (the base's size)" : "") + " and setting vocab_size accordingly", outName + " "
                + describeShapes(inputs, base) + " -> [" + rows + ", " + first[1] + "]");
        return new long[] {rows, first[1]};
    }

    private String describeShapes(List<JobInput> inputs, JobInput base) {
        List<String> parts = new ArrayList<>();
        List<JobInput> all = new ArrayList<>(inputs);
        if (base != null) {
            all.addFirst(base);
        }
        for (JobInput in : all) {
            parts.add(models.get(in.model()).label() + " " + in.info().shapeString());
        }
        return String.join(", ", parts);
    }

    private TensorJob.Kind kindOf(String outName, List<JobInput> inputs, JobInput base) {
        Set<DType.Use> uses = new LinkedHashSet<>();
        for (JobInput in : base == null ? inputs : concat(base, inputs)) {
            if (in.info().dtype().use() == DType.Use.REJECT) {
                throw new CrucibleException(models.get(in.model()).label() + ": " + in.tensor() + " has dtype "
                        + in.info().dtype() + ", which Crucible does not merge (quantized or complex weights)");
            }
            uses.add(in.info().dtype().use());
        }
        if (uses.size() > 1) {
            throw new CrucibleException(outName + ": inputs mix floating-point and integer dtypes");
        }
        return uses.contains(DType.Use.COPY) ? TensorJob.Kind.COPY : TensorJob.Kind.MERGE;
    }

    private static List<JobInput> concat(JobInput first, List<JobInput> rest) {
        List<JobInput> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** merge-methods.md §2.8 N8: out_dtype, else dtype, else the base's stored dtype, else the first source's. */
    private DType outputDtype(List<JobInput> inputs, JobInput base) {
        if (config.outDtype() != null) {
            return config.outDtype();
        }
        if (config.dtype() != null) {
            return config.dtype();
        }
        JobInput ref = base != null ? base
                : inputs.stream().filter(JobInput::isBase).findFirst().orElse(inputs.getFirst());
        DType stored = ref.info().dtype();
        return stored == DType.F64 ? DType.F32 : stored;
    }

    // ---- parameters --------------------------------------------------------------------------------------------

    private Map<String, Double> perModelParams(Slice slice, Source s, String tensor, double t, boolean isBase) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (ParamSpec spec : method.info().parameters()) {
            if (!spec.perModel()) {
                continue;
            }
            Optional<Double> v = value(spec, tensor, t, new ParameterResolver.Level(s.parameters(), s.keyPath()),
                    new ParameterResolver.Level(slice.parameters(), slice.keyPath()),
                    new ParameterResolver.Level(module.parameters(), module.keyPath()),
                    new ParameterResolver.Level(config.parameters(), ""));
            if (v.isPresent()) {
                values.put(spec.name(), v.get());
            } else if (spec.required() && !isBase) {
                throw lines.error(s.keyPath(), "Missing required parameter " + spec.name() + " for "
                        + models.get(s.model()).label() + "." + tensor);
            }
        }
        return values;
    }

    private Map<String, Double> globalParams(Slice slice, String tensor, double t) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (ParamSpec spec : method.info().parameters()) {
            if (spec.perModel()) {
                continue;
            }
            Optional<Double> v = value(spec, tensor, t, new ParameterResolver.Level(slice.parameters(),
                    slice.keyPath()), new ParameterResolver.Level(module.parameters(), module.keyPath()),
                    new ParameterResolver.Level(config.parameters(), ""));
            if (v.isPresent()) {
                values.put(spec.name(), v.get());
            } else if (spec.required()) {
                throw lines.error("parameters", "Missing required parameter " + spec.name() + " for " + tensor);
            }
        }
        return values;
    }

    /** The first value found through the levels, checked against the parameter's type, else the default. */
    private Optional<Double> value(ParamSpec spec, String tensor, double t, ParameterResolver.Level... levels) {
        Optional<ParameterResolver.Found> found = ParameterResolver.resolve(spec.name(), spec.choices(), tensor, t,
                lines, levels);
        return found.isPresent() ? Optional.of(checked(spec, found.get(), tensor))
                : Optional.ofNullable(spec.defaultValue());
    }

    /** Booleans must resolve to exactly 0 or 1 (a [true, false] gradient gives 0.5 mid-way: an error). */
    private double checked(ParamSpec spec, ParameterResolver.Found found, String tensor) {
        double v = found.value();
        if ((spec.type() == ParamSpec.Type.BOOL || spec.type() == ParamSpec.Type.CHOICE && !spec.choices()
                .containsValue(v)) && v != 0.0 && v != 1.0) {
            throw lines.error(found.keyPath(), spec.name() + " is a boolean but resolves to " + v + " for "
                    + tensor);
        }
        if (spec.type() == ParamSpec.Type.INT && v != Math.rint(v)) {
            throw lines.error(found.keyPath(), spec.name() + " must be an integer but resolves to " + v + " for "
                    + tensor);
        }
        return v;
    }

    // ---- totals ------------------------------------------------------------------------------------------------

    private List<String> unconsumed() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            for (String name : models.get(i).checkpoint().tensorNames()) {
                if (!consumed.get(i).contains(name) && !dropped.get(i).contains(name)) {
                    out.add(models.get(i).label() + ": " + name);
                }
            }
        }
        return out;
    }
}
