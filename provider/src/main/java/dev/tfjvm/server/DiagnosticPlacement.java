package dev.tfjvm.server;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.NestedBlock;
import dev.tfjvm.schema.Nesting;
import java.util.List;
import java.util.Optional;

/**
 * Shortens a diagnostic's attribute path to the deepest part Terraform can point at in the
 * configuration.
 *
 * <p>Terraform places a provider's diagnostic by walking its path through nested <em>blocks</em>
 * to an attribute, and at most one index or key into that attribute's expression. A path that goes
 * further, into a nested attribute ({@code memory[0].size} where {@code memory = [{ size = ... }]}),
 * is not found, and Terraform falls back to the whole resource block. Cut to {@code memory[0]},
 * it underlines the element itself. The text of the diagnostic keeps naming the full path.
 */
final class DiagnosticPlacement {
    private DiagnosticPlacement() {}

    static Diagnostic place(Diagnostic d, Optional<Block> schema) {
        if (d.path().isEmpty() || schema.isEmpty()) {
            return d;
        }
        CtyPath placed = placeable(schema.get(), d.path().get());
        return placed.equals(d.path().get())
                ? d
                : new Diagnostic(d.severity(), d.summary(), d.detail(), Optional.of(placed));
    }

    static CtyPath placeable(Block root, CtyPath path) {
        List<CtyPath.Step> steps = path.steps();
        Block block = root;
        int i = 0;
        while (i < steps.size()) {
            if (!(steps.get(i) instanceof CtyPath.AttributeName name)) {
                return prefix(path, i);
            }
            Optional<NestedBlock> nested = block.block(name.name());
            if (nested.isEmpty()) {
                // An attribute: Terraform can go one index or key into its expression, no further.
                return prefix(
                        path,
                        i + 1 < steps.size() && !(steps.get(i + 1) instanceof CtyPath.AttributeName) ? i + 2 : i + 1);
            }
            i++;
            Nesting nesting = nested.get().nesting();
            boolean indexed = nesting == Nesting.LIST || nesting == Nesting.MAP || nesting == Nesting.SET;
            if (indexed && i < steps.size() && !(steps.get(i) instanceof CtyPath.AttributeName)) {
                i++;
            }
            block = nested.get().block();
        }
        return path;
    }

    private static CtyPath prefix(CtyPath path, int length) {
        return length >= path.steps().size() ? path : new CtyPath(path.steps().subList(0, length));
    }
}
