package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;

/**
 * Checks one attribute's configured value. Called only with known, non-null values: unknown
 * values are checked again once they are known, and null means "not set".
 */
@FunctionalInterface
public interface Validator {
    void validate(CtyPath path, CtyValue value, Diagnostics diagnostics);

    /** One line saying what the validator accepts, for generated documentation. */
    default String describe() {
        return "";
    }
}
