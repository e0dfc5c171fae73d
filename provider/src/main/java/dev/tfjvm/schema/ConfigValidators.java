package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;
import java.util.List;

/** The common cross-attribute checks, by name; each error names the attributes and the fix. */
public final class ConfigValidators {
    private ConfigValidators() {}

    /** At most one of {@code names} may be set. */
    public static ConfigValidator conflicting(String... names) {
        return new Named(List.of(names), "At most one of " + list(List.of(names)) + " may be set.") {
            @Override
            public void validate(CtyValue.ObjectVal config, Diagnostics d) {
                tooMany(config, d);
            }
        };
    }

    /** Exactly one of {@code names} must be set. */
    public static ConfigValidator exactlyOneOf(String... names) {
        return new Named(List.of(names), "Exactly one of " + list(List.of(names)) + " must be set.") {
            @Override
            public void validate(CtyValue.ObjectVal config, Diagnostics d) {
                if (!tooMany(config, d)) {
                    none(config, d);
                }
            }
        };
    }

    /** At least one of {@code names} must be set. */
    public static ConfigValidator atLeastOneOf(String... names) {
        return new Named(List.of(names), "At least one of " + list(List.of(names)) + " must be set.") {
            @Override
            public void validate(CtyValue.ObjectVal config, Diagnostics d) {
                none(config, d);
            }
        };
    }

    /** When {@code name} is set, every one of {@code others} must be set too. */
    public static ConfigValidator requiredWith(String name, String... others) {
        List<String> all = new java.util.ArrayList<>(List.of(name));
        all.addAll(List.of(others));
        return new Named(all, "`" + name + "` needs " + list(List.of(others)) + ".") {
            @Override
            public void validate(CtyValue.ObjectVal config, Diagnostics d) {
                if (!set(config, name)) {
                    return;
                }
                List<String> missing = List.of(others).stream()
                        .filter(o -> config.get(o).isNull())
                        .toList();
                if (!missing.isEmpty()) {
                    d.error(
                            CtyPath.ROOT.attr(name),
                            "Missing attribute for " + name,
                            name + " is set, so " + words(missing) + " must be set too: set " + words(missing)
                                    + ", or leave " + name + " out.");
                }
            }
        };
    }

    private abstract static class Named implements ConfigValidator {
        final List<String> names;
        private final String description;

        Named(List<String> names, String description) {
            this.names = List.copyOf(names);
            this.description = description;
        }

        @Override
        public List<String> attributes() {
            return names;
        }

        @Override
        public String describe() {
            return description;
        }

        /** Reports more than one set, on the last of them; true when it did. */
        boolean tooMany(CtyValue.ObjectVal config, Diagnostics d) {
            List<String> present = names.stream().filter(n -> set(config, n)).toList();
            if (present.size() < 2) {
                return false;
            }
            String last = present.get(present.size() - 1);
            d.error(
                    CtyPath.ROOT.attr(last),
                    "Conflicting attributes " + words(present),
                    words(present) + " cannot be used together: keep one of them and remove the other"
                            + (present.size() > 2 ? "s." : "."));
            return true;
        }

        /** Reports none set, unless one is still unknown. */
        void none(CtyValue.ObjectVal config, Diagnostics d) {
            boolean anyUnknownOrSet = names.stream().anyMatch(n -> set(config, n));
            if (!anyUnknownOrSet) {
                d.error("Missing attribute: one of " + words(names), "Set one of " + words(names) + ".");
            }
        }
    }

    /** Written in the configuration: not null (an unknown value counts). */
    static boolean set(CtyValue.ObjectVal config, String name) {
        return !config.get(name).isNull();
    }

    private static String list(List<String> names) {
        return "`" + String.join("`, `", names) + "`";
    }

    /** "a", "a and b", "a, b and c". */
    static String words(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
