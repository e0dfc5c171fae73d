package dev.tfjvm.diag;

import dev.tfjvm.cty.CtyPath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects the diagnostics of one operation. Resource code adds to it; the server sends them all
 * back with the response. Not thread-safe: one instance per request.
 */
public final class Diagnostics {
    private final List<Diagnostic> items = new ArrayList<>();

    public Diagnostics add(Diagnostic diagnostic) {
        items.add(diagnostic);
        return this;
    }

    public Diagnostics addAll(Iterable<Diagnostic> diagnostics) {
        diagnostics.forEach(items::add);
        return this;
    }

    public Diagnostics error(String summary, String detail) {
        return add(Diagnostic.error(summary, detail));
    }

    public Diagnostics error(CtyPath path, String summary, String detail) {
        return add(Diagnostic.error(path, summary, detail));
    }

    public Diagnostics warning(String summary, String detail) {
        return add(Diagnostic.warning(summary, detail));
    }

    public Diagnostics warning(CtyPath path, String summary, String detail) {
        return add(Diagnostic.warning(path, summary, detail));
    }

    public boolean hasErrors() {
        return items.stream().anyMatch(Diagnostic::isError);
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public List<Diagnostic> all() {
        return Collections.unmodifiableList(items);
    }

    @Override
    public String toString() {
        return items.toString();
    }
}
