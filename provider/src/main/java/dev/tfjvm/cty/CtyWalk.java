package dev.tfjvm.cty;

import dev.tfjvm.cty.CtyValue.ListVal;
import dev.tfjvm.cty.CtyValue.MapVal;
import dev.tfjvm.cty.CtyValue.ObjectVal;
import dev.tfjvm.cty.CtyValue.SetVal;
import dev.tfjvm.cty.CtyValue.TupleVal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Visiting and rebuilding nested values.
 *
 * <p>Paths follow {@link CtyPath}: attribute names, list/tuple indexes, map keys. Set elements
 * cannot be addressed, so they are visited with the path of the set itself (no extra step),
 * exactly the path Terraform would report for a problem inside a set.
 */
public final class CtyWalk {
    private CtyWalk() {}

    /** Calls {@code visitor} for {@code v} and then, depth first, every value nested in it (pre-order). */
    public static void walk(CtyValue v, BiConsumer<CtyPath, CtyValue> visitor) {
        walk(CtyPath.ROOT, v, visitor);
    }

    private static void walk(CtyPath path, CtyValue v, BiConsumer<CtyPath, CtyValue> visitor) {
        visitor.accept(path, v);
        if (v instanceof ListVal l) {
            for (int i = 0; i < l.elements().size(); i++) {
                walk(path.index(i), l.elements().get(i), visitor);
            }
        } else if (v instanceof TupleVal t) {
            for (int i = 0; i < t.elements().size(); i++) {
                walk(path.index(i), t.elements().get(i), visitor);
            }
        } else if (v instanceof SetVal s) {
            for (CtyValue e : s.elements()) {
                walk(path, e, visitor);
            }
        } else if (v instanceof MapVal m) {
            m.entries().forEach((k, e) -> walk(path.key(k), e, visitor));
        } else if (v instanceof ObjectVal o) {
            o.attributes().forEach((k, e) -> walk(path.attr(k), e, visitor));
        }
    }

    /**
     * Rebuilds {@code v} bottom-up (post-order): children are transformed first, the container is
     * rebuilt from the new children, then {@code fn} is applied to the rebuilt container. Return
     * the given value from {@code fn} to keep it. Containers keep their element/attribute types
     * when the new children fit them; otherwise the types are worked out again from the children.
     *
     * @throws IllegalArgumentException if new children cannot form a valid container (e.g. list
     *     elements of different types)
     */
    public static CtyValue transform(CtyValue v, BiFunction<CtyPath, CtyValue, CtyValue> fn) {
        return transform(CtyPath.ROOT, v, fn);
    }

    private static CtyValue transform(CtyPath path, CtyValue v, BiFunction<CtyPath, CtyValue, CtyValue> fn) {
        CtyValue rebuilt = v;
        if (v instanceof ListVal l) {
            List<CtyValue> es = new ArrayList<>(l.elements().size());
            for (int i = 0; i < l.elements().size(); i++) {
                es.add(transform(path.index(i), l.elements().get(i), fn));
            }
            rebuilt = es.equals(l.elements()) ? v : rebuildList(l.type().element(), es);
        } else if (v instanceof TupleVal t) {
            List<CtyValue> es = new ArrayList<>(t.elements().size());
            for (int i = 0; i < t.elements().size(); i++) {
                es.add(transform(path.index(i), t.elements().get(i), fn));
            }
            rebuilt = es.equals(t.elements()) ? v : CtyValue.tuple(es);
        } else if (v instanceof SetVal s) {
            List<CtyValue> es = new ArrayList<>(s.elements().size());
            for (CtyValue e : s.elements()) {
                es.add(transform(path, e, fn));
            }
            rebuilt = es.equals(s.elements()) ? v : rebuildSet(s.type().element(), es);
        } else if (v instanceof MapVal m) {
            Map<String, CtyValue> es = new LinkedHashMap<>();
            m.entries().forEach((k, e) -> es.put(k, transform(path.key(k), e, fn)));
            rebuilt = es.equals(m.entries()) ? v : rebuildMap(m.type().element(), es);
        } else if (v instanceof ObjectVal o) {
            Map<String, CtyValue> es = new LinkedHashMap<>();
            o.attributes().forEach((k, e) -> es.put(k, transform(path.attr(k), e, fn)));
            rebuilt = es.equals(o.attributes()) ? v : rebuildObject(o.type(), es);
        }
        CtyValue result = fn.apply(path, rebuilt);
        if (result == null) {
            throw new NullPointerException(
                    "transform function returned null at " + path + "; return CtyValue.nullOf(type) for a null value");
        }
        return result;
    }

    private static CtyValue rebuildList(CtyType oldElement, List<CtyValue> es) {
        try {
            return CtyValue.list(oldElement, es);
        } catch (IllegalArgumentException typeChanged) {
            return CtyValue.list(CtyType.DYNAMIC, es);
        }
    }

    private static CtyValue rebuildSet(CtyType oldElement, List<CtyValue> es) {
        try {
            return CtyValue.set(oldElement, es);
        } catch (IllegalArgumentException typeChanged) {
            return CtyValue.set(CtyType.DYNAMIC, es);
        }
    }

    private static CtyValue rebuildMap(CtyType oldElement, Map<String, CtyValue> es) {
        try {
            return CtyValue.map(oldElement, es);
        } catch (IllegalArgumentException typeChanged) {
            return CtyValue.map(CtyType.DYNAMIC, es);
        }
    }

    private static CtyValue rebuildObject(CtyType.ObjectType oldType, Map<String, CtyValue> es) {
        Map<String, CtyType> types = new LinkedHashMap<>(oldType.attributes());
        es.forEach((k, e) -> {
            if (CtyTypes.unify(types.get(k), e.type()) == null) {
                types.put(k, CtyType.DYNAMIC);
            }
        });
        return CtyValue.object(CtyType.object(types), es);
    }
}
