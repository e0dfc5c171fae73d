package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyValue;
import java.util.Optional;

/** What a {@link PlanModifier} sees of one attribute and what it may change. */
public interface PlanModifierContext {
    CtyPath path();

    CtyValue config();

    /** The value in state before this plan; empty when the resource is being created. */
    Optional<CtyValue> prior();

    CtyValue planned();

    void setPlanned(CtyValue value);

    /** Marks the resource for replacement because of this attribute (when its value changes). */
    void requireReplace();

    default boolean isCreate() {
        return prior().isEmpty();
    }
}
