package dev.tfjvm.spi;

import dev.tfjvm.cty.CtyPath;
import java.util.Optional;

/**
 * What a resource sees when it refines a plan. The framework has already applied defaults, marked
 * computed values unknown and run the attributes' plan modifiers; the resource may change
 * {@link #planned()}, ask for replacement, or add warnings and errors.
 */
public interface PlanContext extends OperationContext {
    TfObject config();

    /** State before this plan; empty on create. */
    Optional<TfObject> prior();

    TfObject planned();

    void setPlanned(TfObject planned);

    void requireReplace(CtyPath path);

    default boolean isCreate() {
        return prior().isEmpty();
    }
}
