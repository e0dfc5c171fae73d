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
import dev.tfjvm.cty.CtyValue.Null;
import dev.tfjvm.cty.CtyValue.ObjectVal;
import dev.tfjvm.cty.CtyValue.SetVal;
import dev.tfjvm.cty.CtyValue.TupleVal;
import dev.tfjvm.cty.CtyValue.Unknown;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Type algebra used by the value factories: unification and re-typing of untyped parts. */
final class CtyTypes {
    private CtyTypes() {}

    static boolean hasDynamic(CtyType t) {
        if (t instanceof DynamicType) {
            return true;
        }
        if (t instanceof Primitive) {
            return false;
        }
        if (t instanceof ObjectType o) {
            return o.attributes().values().stream().anyMatch(CtyTypes::hasDynamic);
        }
        if (t instanceof TupleType tt) {
            return tt.elements().stream().anyMatch(CtyTypes::hasDynamic);
        }
        return hasDynamic(t.elementType().orElseThrow());
    }

    /** {@code t} with every optional-attribute marker removed (value types carry none). */
    static CtyType withoutOptional(CtyType t) {
        if (t instanceof Primitive || t instanceof DynamicType) {
            return t;
        }
        if (t instanceof ListType l) {
            CtyType e = withoutOptional(l.element());
            return e == l.element() ? t : new ListType(e);
        }
        if (t instanceof SetType s) {
            CtyType e = withoutOptional(s.element());
            return e == s.element() ? t : new SetType(e);
        }
        if (t instanceof MapType m) {
            CtyType e = withoutOptional(m.element());
            return e == m.element() ? t : new MapType(e);
        }
        if (t instanceof TupleType tt) {
            List<CtyType> es = new ArrayList<>(tt.elements().size());
            boolean changed = false;
            for (CtyType e : tt.elements()) {
                CtyType ne = withoutOptional(e);
                changed |= ne != e;
                es.add(ne);
            }
            return changed ? new TupleType(es) : t;
        }
        ObjectType o = (ObjectType) t;
        boolean changed = !o.optional().isEmpty();
        TreeMap<String, CtyType> attrs = new TreeMap<>();
        for (Map.Entry<String, CtyType> e : o.attributes().entrySet()) {
            CtyType ne = withoutOptional(e.getValue());
            changed |= ne != e.getValue();
            attrs.put(e.getKey(), ne);
        }
        return changed ? new ObjectType(attrs, Collections.emptySortedSet()) : t;
    }

    /** The encoders' error for a value whose type does not fit the type it is encoded as. */
    static CtyEncodeException mismatch(CtyValue v, CtyType t, CtyPath path) {
        return new CtyEncodeException(
                path, t.friendlyName() + " required, but have " + v.type().friendlyName());
    }

    /** Fails unless {@code v}'s type unifies with {@code t} (both codecs encode only such values). */
    static void requireCompatible(CtyValue v, CtyType t, CtyPath path) throws CtyEncodeException {
        if (unify(v.type(), t) == null) {
            throw mismatch(v, t, path);
        }
    }

    /**
     * The most specific type compatible with both {@code a} and {@code b}, where {@code dynamic}
     * is compatible with anything; null if they are incompatible. Optional markers are dropped.
     */
    static CtyType unify(CtyType a, CtyType b) {
        if (a == b || a.equals(b)) {
            return withoutOptional(a);
        }
        if (a instanceof DynamicType) {
            return withoutOptional(b);
        }
        if (b instanceof DynamicType) {
            return withoutOptional(a);
        }
        if (a instanceof Primitive || b instanceof Primitive) {
            return a == b ? a : null;
        }
        if (a instanceof ListType la && b instanceof ListType lb) {
            CtyType e = unify(la.element(), lb.element());
            return e == null ? null : new ListType(e);
        }
        if (a instanceof SetType sa && b instanceof SetType sb) {
            CtyType e = unify(sa.element(), sb.element());
            return e == null ? null : new SetType(e);
        }
        if (a instanceof MapType ma && b instanceof MapType mb) {
            CtyType e = unify(ma.element(), mb.element());
            return e == null ? null : new MapType(e);
        }
        if (a instanceof TupleType ta && b instanceof TupleType tb) {
            if (ta.elements().size() != tb.elements().size()) {
                return null;
            }
            List<CtyType> es = new ArrayList<>(ta.elements().size());
            for (int i = 0; i < ta.elements().size(); i++) {
                CtyType e = unify(ta.elements().get(i), tb.elements().get(i));
                if (e == null) {
                    return null;
                }
                es.add(e);
            }
            return new TupleType(es);
        }
        if (a instanceof ObjectType oa && b instanceof ObjectType ob) {
            if (!oa.attributes().keySet().equals(ob.attributes().keySet())) {
                return null;
            }
            TreeMap<String, CtyType> attrs = new TreeMap<>();
            for (Map.Entry<String, CtyType> e : oa.attributes().entrySet()) {
                CtyType u = unify(e.getValue(), ob.attributes().get(e.getKey()));
                if (u == null) {
                    return null;
                }
                attrs.put(e.getKey(), u);
            }
            return new ObjectType(attrs, Collections.emptySortedSet());
        }
        return null;
    }

    /** Unifies a declared element type with the types of all elements, or throws IllegalArgumentException. */
    static CtyType unifyElements(CtyType declared, Collection<CtyValue> elements, String kind) {
        CtyType et = withoutOptional(declared);
        int i = 0;
        for (CtyValue e : elements) {
            if (e.type() == et) {
                i++;
                continue; // the common case: elements share the declared type instance
            }
            CtyType u = unify(et, e.type());
            if (u == null) {
                throw new IllegalArgumentException(
                        kind + " element " + i + " has type " + e.type() + ", which does not fit element type " + et);
            }
            et = u.equals(et) ? et : u;
            i++;
        }
        return et;
    }

    static void checkElements(CtyType elementType, Collection<CtyValue> elements, String kind) {
        for (CtyValue e : elements) {
            if (!e.type().equals(elementType)) {
                throw new IllegalArgumentException(kind + " of " + elementType + " cannot hold a value of type "
                        + e.type() + " (use the CtyValue." + kind + "(...) factory to unify element types)");
            }
        }
    }

    /**
     * {@code v} with type {@code t}, which must be {@code v}'s type with some dynamic parts made
     * concrete (as {@link #unify} produces). Nulls and unknowns take the type; collections re-type
     * their elements.
     */
    static CtyValue retype(CtyValue v, CtyType t) {
        if (v.type().equals(t)) {
            return v;
        }
        if (v instanceof Null) {
            return new Null(t);
        }
        if (v instanceof Unknown u) {
            return new Unknown(t, u.refinements());
        }
        if (v instanceof ListVal l && t instanceof ListType lt) {
            List<CtyValue> es = new ArrayList<>(l.elements().size());
            for (CtyValue e : l.elements()) {
                es.add(retype(e, lt.element()));
            }
            return new ListVal(lt, es);
        }
        if (v instanceof SetVal s && t instanceof SetType st) {
            List<CtyValue> es = new ArrayList<>(s.elements().size());
            for (CtyValue e : s.elements()) {
                es.add(retype(e, st.element()));
            }
            return new SetVal(st, es);
        }
        if (v instanceof MapVal m && t instanceof MapType mt) {
            TreeMap<String, CtyValue> es = new TreeMap<>();
            m.entries().forEach((k, e) -> es.put(k, retype(e, mt.element())));
            return new MapVal(mt, es);
        }
        if (v instanceof TupleVal tv
                && t instanceof TupleType tt
                && tt.elements().size() == tv.elements().size()) {
            List<CtyValue> es = new ArrayList<>(tv.elements().size());
            for (int i = 0; i < tv.elements().size(); i++) {
                es.add(retype(tv.elements().get(i), tt.elements().get(i)));
            }
            return new TupleVal(tt, es);
        }
        if (v instanceof ObjectVal o
                && t instanceof ObjectType ot
                && ot.attributes().keySet().equals(o.attributes().keySet())) {
            TreeMap<String, CtyValue> as = new TreeMap<>();
            o.attributes().forEach((k, a) -> as.put(k, retype(a, ot.attributes().get(k))));
            return new ObjectVal((ObjectType) withoutOptional(ot), as);
        }
        throw new IllegalArgumentException("a value of type " + v.type() + " cannot be used as " + t);
    }
}
