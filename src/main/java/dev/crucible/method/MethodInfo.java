package dev.crucible.method;

import java.util.List;
import java.util.Optional;

/**
 * What a method is, for users and for the planner: mergekit name, model-card name and link, how it uses the
 * base model, and its parameters.
 */
public record MethodInfo(String name, String prettyName, String referenceUrl, BaseUse baseUse,
                         List<ParamSpec> parameters, String summary) {

    /** How a method treats {@code base_model}. */
    public enum BaseUse {
        /** no special role: a base among the sources is an ordinary input */
        ORDINARY,
        /** used when given: passed to the method separately from the other inputs */
        OPTIONAL,
        /** required, and passed to the method separately from the other inputs */
        REQUIRED
    }

    public Optional<ParamSpec> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
