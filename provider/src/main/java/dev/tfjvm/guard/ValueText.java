package dev.tfjvm.guard;

import dev.tfjvm.cty.CtyValue;
import java.util.Map;
import java.util.stream.Collectors;

/** Short HCL-like text of a value for messages; long values are cut. */
final class ValueText {
    private static final int MAX = 200;

    private ValueText() {}

    static String of(CtyValue v, boolean sensitive) {
        if (sensitive) {
            return "(sensitive value)";
        }
        String s = render(v);
        return s.length() > MAX ? s.substring(0, MAX) + "…" : s;
    }

    private static String render(CtyValue v) {
        if (v.isNull()) {
            return "null";
        }
        if (!v.isKnown()) {
            return "(known after apply)";
        }
        if (v instanceof CtyValue.Str s) {
            return "\"" + s.value().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
        }
        if (v instanceof CtyValue.Num n) {
            return n.value().toString();
        }
        if (v instanceof CtyValue.Bool b) {
            return Boolean.toString(b.value());
        }
        if (v instanceof CtyValue.ListVal l) {
            return l.elements().stream().map(ValueText::render).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof CtyValue.SetVal s) {
            return s.elements().stream().map(ValueText::render).collect(Collectors.joining(", ", "toset([", "])"));
        }
        if (v instanceof CtyValue.TupleVal t) {
            return t.elements().stream().map(ValueText::render).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof CtyValue.MapVal m) {
            return entries(m.entries());
        }
        if (v instanceof CtyValue.ObjectVal o) {
            return entries(o.attributes());
        }
        return v.toString();
    }

    private static String entries(Map<String, CtyValue> map) {
        return map.entrySet().stream()
                .map(e -> e.getKey() + " = " + render(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
