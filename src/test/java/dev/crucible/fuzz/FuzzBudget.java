package dev.crucible.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * How many inputs each fuzz property runs, and from which seed. The test suite runs the modest number in each
 * {@code @Property} from a fixed seed, so it is repeatable; scripts/fuzz sets {@code crucible.fuzz.tries} and
 * {@code crucible.fuzz.seed} for long runs from fresh seeds. Prints one line per property with the inputs run.
 */
public final class FuzzBudget implements AroundPropertyHook {
    private static final String TRIES = "crucible.fuzz.tries";
    private static final String SEED = "crucible.fuzz.seed";
    private static final String SUITE_SEED = "20260611";

    /** Added to a test class, it applies to the class's properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.DIRECT_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Integer tries = Integer.getInteger(TRIES);
        if (tries != null) {
            context.attributes().setTries(tries);
        }
        String seed = System.getProperty(SEED, SUITE_SEED);
        context.attributes().setSeed(seed);
        long start = System.nanoTime();
        PropertyExecutionResult result = property.execute();
        System.out.printf("fuzz %s.%s: %d inputs, %s, seed %s, %.1f s%n",
                context.containerClass().getSimpleName(), context.targetMethod().getName(), result.countChecks(),
                result.status() == PropertyExecutionResult.Status.SUCCESSFUL ? "no findings" : result.status(),
                seed, (System.nanoTime() - start) / 1e9);
        return result;
    }
}
