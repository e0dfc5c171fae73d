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
                                v + " is not between " + min + " and " + max + " (inclusive).");
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
