package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;

/**
 * Checks one attribute's configured value. Called only with known, non-null values: unknown
 * values are checked again once they are known, and null means "not set".
 */
@FunctionalInterface
public interface Validator {
    void validate(CtyPath path, CtyValue value, Diagnostics diagnostics);

    /**
     * Whether this validator can check values of {@code type}. A schema giving a validator an
     * attribute it cannot check is refused when the provider starts (a silent no-op would let
     * every value through); validators for any type keep the default.
     */
    default boolean accepts(CtyType type) {
        return true;
    }

    /** One line saying what the validator accepts, for generated documentation. */
    default String describe() {
        return "";
    }
}
