package dev.tfjvm.schema;

/**
 * Adjusts the planned value of one attribute, or asks for replacement. Runs during
 * PlanResourceChange on updates and creates (never on destroy), after defaults and the
 * framework's "unknown until applied" marking, in schema order.
 */
@FunctionalInterface
public interface PlanModifier {
    void modify(PlanModifierContext context);

    /** One line for generated documentation, for example "Changing this forces a new resource." */
    default String describe() {
        return "";
    }

    /**
     * The line for generated documentation of {@code attribute}, which this modifier is on: by
     * default {@link #describe()}; a modifier whose effect depends on the kind of attribute (one
     * the user sets, or a computed one) says it here, or says nothing ({@code ""}).
     */
    default String describe(Attribute attribute) {
        return describe();
    }
}
