package dev.tfjvm.cty;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A path from the root of a value to a nested value, as tfplugin6 {@code AttributePath} carries
 * it: attribute names for object attributes (and nested block type names), integer keys for list
 * and tuple indexes, string keys for map keys. Set elements cannot be addressed: a path to
 * something inside a set stops at the set.
 */
public record CtyPath(List<Step> steps) {

    public static final CtyPath ROOT = new CtyPath(List.of());

    public CtyPath {
        steps = List.copyOf(steps);
    }

    /** One step of a path. */
    public sealed interface Step permits AttributeName, ElementKeyString, ElementKeyInt {}

    public record AttributeName(String name) implements Step {
        public AttributeName {
            Objects.requireNonNull(name, "name");
        }
    }

    public record ElementKeyString(String key) implements Step {
        public ElementKeyString {
            Objects.requireNonNull(key, "key");
        }
    }

    public record ElementKeyInt(long index) implements Step {}

    public static CtyPath of(Step... steps) {
        return new CtyPath(List.of(steps));
    }

    public CtyPath attr(String name) {
        return append(new AttributeName(name));
    }

    public CtyPath index(long i) {
        return append(new ElementKeyInt(i));
    }

    public CtyPath key(String k) {
        return append(new ElementKeyString(k));
    }

    public CtyPath append(Step step) {
        List<Step> next = new ArrayList<>(steps.size() + 1);
        next.addAll(steps);
        next.add(Objects.requireNonNull(step, "step"));
        return new CtyPath(next);
    }

    public boolean isRoot() {
        return steps.isEmpty();
    }

    /** The path without its last step. @throws IllegalStateException on the root path */
    public CtyPath parent() {
        if (steps.isEmpty()) {
            throw new IllegalStateException("the root path has no parent");
        }
        return new CtyPath(steps.subList(0, steps.size() - 1));
    }

    /** The last step, if any. */
    public java.util.Optional<Step> lastStep() {
        return steps.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(steps.get(steps.size() - 1));
    }

    /** True if {@code this} equals {@code other} or is a prefix of it. */
    public boolean isPrefixOf(CtyPath other) {
        return other.steps.size() >= steps.size()
                && other.steps.subList(0, steps.size()).equals(steps);
    }

    /**
     * HCL-like rendering: {@code rule[2].name}, {@code tags["a"]}; the root path is the empty
     * string.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Step step : steps) {
            if (step instanceof AttributeName a) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(a.name());
            } else if (step instanceof ElementKeyInt i) {
                b.append('[').append(i.index()).append(']');
            } else if (step instanceof ElementKeyString k) {
                b.append('[').append(CtyStrings.quote(k.key())).append(']');
            }
        }
        return b.toString();
    }
}
