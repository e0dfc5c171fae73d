package dev.multikernel.provider.resources;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.spi.ResourceException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Something wrong with a resource's configuration or with what it asks of the host, on the
 * attribute to fix ({@code path}: where Terraform shows it). The one problem type of the
 * resources' specs and change computations (pool changes, overlay specs), and the one way such a
 * problem, or the first error of a {@link Diagnostics}, fails an operation ({@link #fail},
 * {@link #throwFirst}).
 */
public record AttributeProblem(CtyPath path, String summary, String detail) {
    public AttributeProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(detail, "detail");
    }

    /** Adds {@code problems} to {@code diagnostics} as errors on their attributes. */
    public static void report(List<AttributeProblem> problems, Diagnostics diagnostics) {
        for (AttributeProblem p : problems) {
            diagnostics.error(p.path(), p.summary(), p.detail());
        }
    }

    /** This problem as the error that fails an apply, on its attribute. */
    public ResourceException fail() {
        return new ResourceException(summary, detail, Optional.of(path), Optional.empty(), null);
    }

    /** Fails with the first of {@code problems}; does nothing when there is none. */
    public static void throwFirst(List<AttributeProblem> problems) throws ResourceException {
        if (!problems.isEmpty()) {
            throw problems.get(0).fail();
        }
    }

    /** Fails with the first error of {@code diagnostics}; does nothing when there is none. */
    public static void throwFirst(Diagnostics diagnostics) throws ResourceException {
        Optional<ResourceException> e = firstError(diagnostics);
        if (e.isPresent()) {
            throw e.get();
        }
    }

    /** The first error of {@code diagnostics} as an exception, on its attribute. */
    public static Optional<ResourceException> firstError(Diagnostics diagnostics) {
        for (Diagnostic d : diagnostics.all()) {
            if (d.isError()) {
                return Optional.of(new ResourceException(d.summary(), d.detail(), d.path(), Optional.empty(), null));
            }
        }
        return Optional.empty();
    }
}
