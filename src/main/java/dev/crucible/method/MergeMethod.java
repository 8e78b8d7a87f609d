package dev.crucible.method;

import java.util.Map;

/**
 * A merge method: scalar parameter math on the host, element math through {@link dev.crucible.backend.Backend}
 * primitives, so one class serves every engine. Implementations are stateless and thread-safe.
 */
public interface MergeMethod {

    MethodInfo info();

    /**
     * Checks the number and roles of a tensor's inputs before anything is read (plan time).
     *
     * @param inputs   inputs handed to {@link #merge}, base excluded for methods with a separate base
     * @param hasBase  whether a separate base input is present
     * @return an error message, or {@code null} when the inputs are acceptable
     */
    String checkInputs(int inputs, boolean hasBase);

    /**
     * Checks one model's resolved parameters for one tensor before anything is read (plan time), e.g. DELLA's
     * density ± epsilon. The base model's parameters are not checked.
     *
     * @return an error message, or {@code null}
     */
    default String checkParameters(Map<String, Double> global, Map<String, Double> model) {
        return null;
    }

    /** Computes one output tensor. */
    MergeResult merge(MergeContext ctx);
}
