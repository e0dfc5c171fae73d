package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;
import java.util.List;
import java.util.regex.Pattern;

/** Common validators, by name. Each error names the attribute and says what would be accepted. */
public final class Validators {
    private Validators() {}

    public static Validator oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return new Validator() {
            @Override
            public void validate(CtyPath path, CtyValue value, Diagnostics d) {
                if (value instanceof CtyValue.Str s && !values.contains(s.value())) {
                    d.error(
                            path,
                            "Invalid value for " + path,
                            "\"" + s.value() + "\" is not one of: " + String.join(", ", values) + ".");
                }
            }

            @Override
            public boolean accepts(CtyType type) {
                return type == CtyType.STRING;
            }

            @Override
            public String describe() {
                return "One of: `" + String.join("`, `", values) + "`.";
            }
        };
    }

    public static Validator matches(Pattern pattern, String whatItMustBe) {
        return new Validator() {
            @Override
            public void validate(CtyPath path, CtyValue value, Diagnostics d) {
                if (value instanceof CtyValue.Str s
                        && !pattern.matcher(s.value()).matches()) {
                    d.error(
                            path,
                            "Invalid value for " + path,
                            "\"" + s.value() + "\" is not valid: it must be " + whatItMustBe + ".");
                }
            }

            @Override
            public boolean accepts(CtyType type) {
                return type == CtyType.STRING;
            }

            @Override
            public String describe() {
                return "Must be " + whatItMustBe + ".";
            }
        };
    }

    /**
     * Numbers from {@code min} to {@code max} (inclusive), fractions included: for an attribute
     * that must be whole, use {@link #wholeNumberBetween}.
     */
    public static Validator between(long min, long max) {
        return new Validator() {
            @Override
            public void validate(CtyPath path, CtyValue value, Diagnostics d) {
                if (value instanceof CtyValue.Num n) {
                    CtyNumber v = n.value();
                    if (v.compareTo(CtyNumber.of(min)) < 0 || v.compareTo(CtyNumber.of(max)) > 0) {
                        d.error(
                                path,
                                "Value out of range for " + path,
                                shown(v) + " is not between " + min + " and " + max + " (inclusive).");
                    }
                }
            }

            @Override
            public boolean accepts(CtyType type) {
                return type == CtyType.NUMBER;
            }

            @Override
            public String describe() {
                return "Between " + min + " and " + max + ".";
            }
        };
    }

    /**
     * Whole numbers: no fraction, not infinite. On a list, set or map of numbers each known
     * element is checked. For attributes the provider reads as integers (ids, counts, ports), so
     * {@code 1.5} is an error naming the attribute, never a failure inside the provider.
     */
    public static Validator wholeNumber() {
        return new WholeNumber(null, null);
    }

    /**
     * Whole numbers from {@code min} to {@code max} (inclusive): {@link #wholeNumber()} and a range
     * in one check, with one message saying both ("must be a whole number between 1 and 8192").
     * On a list, set or map of numbers each known element is checked.
     */
    public static Validator wholeNumberBetween(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException("min " + min + " is greater than max " + max);
        }
        return new WholeNumber(min, max);
    }

    private record WholeNumber(Long min, Long max) implements Validator {
        @Override
        public void validate(CtyPath path, CtyValue value, Diagnostics d) {
            if (value instanceof CtyValue.Num n) {
                check(path, n.value(), d);
            } else if (value instanceof CtyValue.ListVal l) {
                for (int i = 0; i < l.elements().size(); i++) {
                    element(path.index(i), l.elements().get(i), d);
                }
            } else if (value instanceof CtyValue.SetVal s) {
                for (CtyValue e : s.elements()) {
                    element(path, e, d);
                }
            } else if (value instanceof CtyValue.MapVal m) {
                m.entries().forEach((k, e) -> element(path.key(k), e, d));
            }
        }

        private void element(CtyPath path, CtyValue e, Diagnostics d) {
            if (e instanceof CtyValue.Num n) {
                check(path, n.value(), d);
            }
        }

        private void check(CtyPath path, CtyNumber v, Diagnostics d) {
            String rule = path + " must be a whole number" + (min == null ? "" : " between " + min + " and " + max);
            if (!v.isIntegral()) {
                d.error(path, "Invalid value for " + path, shown(v) + " is not a whole number: " + rule + ".");
            } else if (min != null && (v.compareTo(CtyNumber.of(min)) < 0 || v.compareTo(CtyNumber.of(max)) > 0)) {
                d.error(path, "Value out of range for " + path, shown(v) + " is out of range: " + rule + ".");
            }
        }

        @Override
        public boolean accepts(CtyType type) {
            return type == CtyType.NUMBER
                    || ((type instanceof CtyType.ListType
                                    || type instanceof CtyType.SetType
                                    || type instanceof CtyType.MapType)
                            && type.elementType().orElse(null) == CtyType.NUMBER);
        }

        @Override
        public String describe() {
            return min == null ? "A whole number." : "A whole number between " + min + " and " + max + ".";
        }
    }

    /** A number as a message shows it: in full up to 40 characters, else its start and its length. */
    private static String shown(CtyNumber n) {
        String plain = n.toString();
        return plain.length() <= 40
                ? plain
                : plain.substring(0, 20) + "… (a number of " + plain.length() + " characters)";
    }

    public static Validator lengthBetween(int min, int max) {
        return new Validator() {
            @Override
            public void validate(CtyPath path, CtyValue value, Diagnostics d) {
                int len = -1;
                if (value instanceof CtyValue.Str s) {
                    len = s.value().codePointCount(0, s.value().length());
                } else if (value instanceof CtyValue.ListVal l) {
                    len = l.elements().size();
                } else if (value instanceof CtyValue.SetVal st) {
                    len = st.elements().size();
                } else if (value instanceof CtyValue.MapVal m) {
                    len = m.entries().size();
                }
                if (len >= 0 && (len < min || len > max)) {
                    d.error(
                            path,
                            "Invalid length for " + path,
                            "Length " + len + " is not between " + min + " and " + max + ".");
                }
            }

            @Override
            public boolean accepts(CtyType type) {
                return type == CtyType.STRING
                        || type instanceof CtyType.ListType
                        || type instanceof CtyType.SetType
                        || type instanceof CtyType.MapType;
            }

            @Override
            public String describe() {
                return "Length between " + min + " and " + max + ".";
            }
        };
    }
}
