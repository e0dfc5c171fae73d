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
     * computed values that never change once set (ids, creation times).
     */
    public static PlanModifier useStateForUnknown() {
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
                return "The value stays as it is in state once it is known.";
            }
        };
    }
}
