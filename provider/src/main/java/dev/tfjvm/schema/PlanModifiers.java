package dev.tfjvm.schema;

import java.util.Objects;
import java.util.function.Predicate;

/** The plan modifiers most resources need, by name. */
public final class PlanModifiers {
    private PlanModifiers() {}

    /** Any change of the configured value replaces the resource. */
    public static PlanModifier requiresReplace() {
        return new PlanModifier() {
            @Override
            public void modify(PlanModifierContext c) {
                if (c.prior().isPresent() && !Objects.equals(c.prior().get(), c.planned())) {
                    c.requireReplace();
                }
            }

            @Override
            public String describe() {
                return "Changing this value replaces the resource.";
            }
        };
    }

    /** Replacement only when {@code when} holds for the context (for example "grows but never shrinks"). */
    public static PlanModifier requiresReplaceIf(Predicate<PlanModifierContext> when, String description) {
        return new PlanModifier() {
            @Override
            public void modify(PlanModifierContext c) {
                if (c.prior().isPresent() && !Objects.equals(c.prior().get(), c.planned()) && when.test(c)) {
                    c.requireReplace();
                }
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /**
     * Keeps the value from state instead of showing "(known after apply)" on updates, for
     * computed values that never change once set (ids, creation times). Documented as "The value
     * stays as it is in state once it is known." on computed-only attributes; an attribute the
     * user may set gets no sentence (its value is the user's; its description says what happens
     * when it is left out).
     */
    public static PlanModifier useStateForUnknown() {
        return useStateForUnknown("The value stays as it is in state once it is known.");
    }

    /**
     * {@link #useStateForUnknown()} with its own sentence for the documentation ({@code ""} for
     * none), for a computed value that a refresh may still change (a status) although an update
     * keeps it.
     */
    public static PlanModifier useStateForUnknown(String description) {
        return new PlanModifier() {
            @Override
            public void modify(PlanModifierContext c) {
                if (c.prior().isPresent()
                        && !c.prior().get().isNull()
                        && !c.planned().isKnown()
                        && c.config().isNull()) {
                    c.setPlanned(c.prior().get());
                }
            }

            @Override
            public String describe() {
                return description;
            }

            @Override
            public String describe(Attribute attribute) {
                return attribute.optional() ? "" : description;
            }
        };
    }
}
