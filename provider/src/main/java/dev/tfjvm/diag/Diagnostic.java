package dev.tfjvm.diag;

import dev.tfjvm.cty.CtyPath;
import java.util.Objects;
import java.util.Optional;

/**
 * One message for the user, optionally anchored to an attribute so Terraform can point at the
 * configuration line it came from.
 */
public record Diagnostic(Severity severity, String summary, String detail, Optional<CtyPath> path) {
    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(summary, "summary");
        detail = detail == null ? "" : detail;
        path = path == null ? Optional.empty() : path;
    }

    public static Diagnostic error(String summary, String detail) {
        return new Diagnostic(Severity.ERROR, summary, detail, Optional.empty());
    }

    public static Diagnostic error(CtyPath path, String summary, String detail) {
        return new Diagnostic(Severity.ERROR, summary, detail, Optional.of(path));
    }

    public static Diagnostic warning(String summary, String detail) {
        return new Diagnostic(Severity.WARNING, summary, detail, Optional.empty());
    }

    public static Diagnostic warning(CtyPath path, String summary, String detail) {
        return new Diagnostic(Severity.WARNING, summary, detail, Optional.of(path));
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The same diagnostic anchored under {@code prefix} (used when nested code reports relative paths). */
    public Diagnostic under(CtyPath prefix) {
        if (path.isEmpty()) {
            return new Diagnostic(severity, summary, detail, Optional.of(prefix));
        }
        CtyPath joined = prefix;
        for (CtyPath.Step step : path.get().steps()) {
            if (step instanceof CtyPath.AttributeName a) {
                joined = joined.attr(a.name());
            } else if (step instanceof CtyPath.ElementKeyString k) {
                joined = joined.key(k.key());
            } else if (step instanceof CtyPath.ElementKeyInt i) {
                joined = joined.index(i.index());
            }
        }
        return new Diagnostic(severity, summary, detail, Optional.of(joined));
    }

    @Override
    public String toString() {
        return severity + ": " + summary + (detail.isEmpty() ? "" : " — " + detail)
                + path.map(p -> " (at " + p + ")").orElse("");
    }
}
