package dev.tfjvm.cty;

import dev.tfjvm.cty.CtyType.DynamicType;
import dev.tfjvm.cty.CtyType.ListType;
import dev.tfjvm.cty.CtyType.MapType;
import dev.tfjvm.cty.CtyType.ObjectType;
import dev.tfjvm.cty.CtyType.Primitive;
import dev.tfjvm.cty.CtyType.SetType;
import dev.tfjvm.cty.CtyType.TupleType;
import dev.tfjvm.cty.CtyValue.ListVal;
import dev.tfjvm.cty.CtyValue.MapVal;
import dev.tfjvm.cty.CtyValue.ObjectVal;
import dev.tfjvm.cty.CtyValue.SetVal;
import dev.tfjvm.cty.CtyValue.TupleVal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that a value fits a type (constraint). {@code dynamic} in the type accepts any value;
 * untyped (dynamic) nulls and unknowns fit any type; object attributes marked optional in the type
 * may be absent from the value.
 */
public final class CtyConform {
    private CtyConform() {}

    /** Problems found, each prefixed by its path; empty when {@code v} conforms to {@code t}. */
    public static List<String> problems(CtyValue v, CtyType t) {
        List<String> out = new ArrayList<>();
        check(CtyPath.ROOT, v, t, out);
        return out;
    }

    /** True when {@link #problems} would be empty. */
    public static boolean conforms(CtyValue v, CtyType t) {
        return problems(v, t).isEmpty();
    }

    private static void check(CtyPath path, CtyValue v, CtyType t, List<String> out) {
        if (t instanceof DynamicType) {
            return;
        }
        if (!v.isKnown() || v.isNull()) {
            if (CtyTypes.unify(v.type(), t) == null) {
                report(
                        path,
                        out,
                        t.friendlyName() + " required, but have " + v.type().friendlyName());
            }
            return;
        }
        if (t instanceof Primitive) {
            if (v.type() != t) {
                report(
                        path,
                        out,
                        t.friendlyName() + " required, but have " + v.type().friendlyName());
            }
        } else if (t instanceof ListType lt) {
            if (v instanceof ListVal l) {
                for (int i = 0; i < l.elements().size(); i++) {
                    check(path.index(i), l.elements().get(i), lt.element(), out);
                }
            } else {
                report(path, out, "list required, but have " + v.type().friendlyName());
            }
        } else if (t instanceof SetType st) {
            if (v instanceof SetVal s) {
                for (CtyValue e : s.elements()) {
                    check(path, e, st.element(), out);
                }
            } else {
                report(path, out, "set required, but have " + v.type().friendlyName());
            }
        } else if (t instanceof MapType mt) {
            if (v instanceof MapVal m) {
                m.entries().forEach((k, e) -> check(path.key(k), e, mt.element(), out));
            } else {
                report(path, out, "map required, but have " + v.type().friendlyName());
            }
        } else if (t instanceof TupleType tt) {
            if (v instanceof TupleVal tv) {
                if (tv.elements().size() != tt.elements().size()) {
                    report(
                            path,
                            out,
                            "tuple of " + tt.elements().size() + " elements required, but have "
                                    + tv.elements().size());
                    return;
                }
                for (int i = 0; i < tt.elements().size(); i++) {
                    check(path.index(i), tv.elements().get(i), tt.elements().get(i), out);
                }
            } else {
                report(path, out, "tuple required, but have " + v.type().friendlyName());
            }
        } else if (t instanceof ObjectType ot) {
            if (v instanceof ObjectVal o) {
                for (Map.Entry<String, CtyType> attr : ot.attributes().entrySet()) {
                    CtyValue a = o.attributes().get(attr.getKey());
                    if (a == null) {
                        if (!ot.optional().contains(attr.getKey())) {
                            report(path, out, "attribute \"" + attr.getKey() + "\" is required");
                        }
                    } else {
                        check(path.attr(attr.getKey()), a, attr.getValue(), out);
                    }
                }
                for (String name : o.attributes().keySet()) {
                    if (!ot.hasAttribute(name)) {
                        report(path, out, "unsupported attribute \"" + name + "\"");
                    }
                }
            } else {
                report(path, out, "object required, but have " + v.type().friendlyName());
            }
        }
    }

    private static void report(CtyPath path, List<String> out, String message) {
        out.add(path.isRoot() ? message : path + ": " + message);
    }
}
