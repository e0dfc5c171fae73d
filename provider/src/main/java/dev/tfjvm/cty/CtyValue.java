package dev.tfjvm.cty;

import dev.tfjvm.cty.CtyType.ListType;
import dev.tfjvm.cty.CtyType.MapType;
import dev.tfjvm.cty.CtyType.ObjectType;
import dev.tfjvm.cty.CtyType.SetType;
import dev.tfjvm.cty.CtyType.TupleType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable cty value: what Terraform sends and expects for attribute values.
 *
 * <p>Every value has a concrete type, except nulls and unknowns, which may have type
 * {@link CtyType#DYNAMIC} ("untyped"), and empty collections or null/unknown-only collections
 * whose element type may remain (partly) dynamic. Value types never carry optional-attribute
 * markers. Collection constructors require every element to have exactly the collection's
 * element type; the static factories ({@link #list}, {@link #object}, ...) are friendlier: they
 * work out the most specific common type, so a {@code nullOf(DYNAMIC)} placed in a list of
 * strings becomes a null string, and a declared {@code dynamic} attribute holding a string makes
 * an object type whose attribute is {@code string}.
 *
 * <p>Equality is structural: numbers by numeric value, sets ignoring element order.
 */
public sealed interface CtyValue
        permits CtyValue.Null,
                CtyValue.Unknown,
                CtyValue.Str,
                CtyValue.Num,
                CtyValue.Bool,
                CtyValue.ListVal,
                CtyValue.SetVal,
                CtyValue.MapVal,
                CtyValue.ObjectVal,
                CtyValue.TupleVal {

    CtyType type();

    default boolean isNull() {
        return false;
    }

    /** False only for {@link Unknown} itself (a known collection may still contain unknowns). */
    default boolean isKnown() {
        return true;
    }

    /** True if no {@link Unknown} appears anywhere in this value. */
    boolean isWhollyKnown();

    /**
     * The nested value at {@code path}, or empty if the path does not exist in this value (wrong
     * kind of step, missing attribute/key, index out of range) or passes through a null or
     * unknown value. Sets cannot be stepped into.
     */
    default Optional<CtyValue> at(CtyPath path) {
        CtyValue current = this;
        for (CtyPath.Step step : path.steps()) {
            CtyValue next = null;
            if (step instanceof CtyPath.AttributeName a) {
                if (current instanceof ObjectVal o) {
                    next = o.attributes().get(a.name());
                }
            } else if (step instanceof CtyPath.ElementKeyInt i) {
                List<CtyValue> elements = null;
                if (current instanceof ListVal l) {
                    elements = l.elements();
                } else if (current instanceof TupleVal t) {
                    elements = t.elements();
                }
                if (elements != null && i.index() >= 0 && i.index() < elements.size()) {
                    next = elements.get((int) i.index());
                }
            } else if (step instanceof CtyPath.ElementKeyString k) {
                if (current instanceof MapVal m) {
                    next = m.entries().get(k.key());
                }
            }
            if (next == null) {
                return Optional.empty();
            }
            current = next;
        }
        return Optional.of(current);
    }

    // ---- factories -------------------------------------------------------------------------

    static CtyValue nullOf(CtyType type) {
        return new Null(type);
    }

    static Unknown unknown(CtyType type) {
        return new Unknown(type, Refinements.NONE);
    }

    /** @throws IllegalArgumentException if a refinement cannot apply to {@code type} */
    static Unknown unknown(CtyType type, Refinements refinements) {
        return new Unknown(type, refinements);
    }

    static Str string(String s) {
        return new Str(s);
    }

    static Num number(long n) {
        return new Num(CtyNumber.of(n));
    }

    static Num number(BigDecimal n) {
        return new Num(CtyNumber.of(n));
    }

    static Num number(CtyNumber n) {
        return new Num(n);
    }

    static Bool bool(boolean b) {
        return b ? Bool.TRUE : Bool.FALSE;
    }

    /**
     * A list whose element type is the most specific type compatible with {@code elementType}
     * and all elements. @throws IllegalArgumentException if elements have incompatible types
     */
    static ListVal list(CtyType elementType, List<CtyValue> elements) {
        CtyType et = CtyTypes.unifyElements(elementType, elements, "list");
        List<CtyValue> out = new ArrayList<>(elements.size());
        for (CtyValue e : elements) {
            out.add(CtyTypes.retype(e, et));
        }
        return new ListVal(new ListType(et), out);
    }

    /** A set, deduplicated as {@link SetVal} describes; element type as for {@link #list}. */
    static SetVal set(CtyType elementType, Collection<CtyValue> elements) {
        List<CtyValue> list = new ArrayList<>(elements);
        CtyType et = CtyTypes.unifyElements(elementType, list, "set");
        List<CtyValue> out = new ArrayList<>(list.size());
        for (CtyValue e : list) {
            out.add(CtyTypes.retype(e, et));
        }
        return new SetVal(new SetType(et), out);
    }

    /** A map; element type as for {@link #list}. */
    static MapVal map(CtyType elementType, Map<String, CtyValue> entries) {
        CtyType et = CtyTypes.unifyElements(elementType, entries.values(), "map");
        TreeMap<String, CtyValue> out = new TreeMap<>();
        entries.forEach((k, v) -> out.put(k, CtyTypes.retype(v, et)));
        return new MapVal(new MapType(et), out);
    }

    /**
     * An object of (the value form of) {@code type}: attributes missing from {@code attributes}
     * become nulls of their declared type; an attribute declared {@code dynamic} takes the type of
     * its value.
     *
     * @throws IllegalArgumentException for a name that is not an attribute of {@code type}, or a
     *     value whose type does not fit the declared attribute type
     */
    static ObjectVal object(ObjectType type, Map<String, CtyValue> attributes) {
        for (String name : attributes.keySet()) {
            if (!type.hasAttribute(name)) {
                throw new IllegalArgumentException("unsupported attribute \"" + name + "\" for " + type
                        + "; known attributes: " + type.attributes().keySet());
            }
        }
        // The value type is the declared type without optional markers, refined where a value is
        // more specific; when nothing is refined the declared instance is shared (cheap equality).
        ObjectType declaredType = (ObjectType) CtyTypes.withoutOptional(type);
        TreeMap<String, CtyType> types = new TreeMap<>();
        TreeMap<String, CtyValue> values = new TreeMap<>();
        boolean refined = false;
        for (Map.Entry<String, CtyType> attr : declaredType.attributes().entrySet()) {
            CtyType declared = attr.getValue();
            CtyValue v = attributes.get(attr.getKey());
            if (v == null) {
                v = new Null(declared);
            }
            CtyType t = CtyTypes.unify(declared, v.type());
            if (t == null) {
                throw new IllegalArgumentException("attribute \"" + attr.getKey() + "\": " + declared.friendlyName()
                        + " required, but have " + v.type().friendlyName());
            }
            if (!t.equals(declared)) {
                refined = true;
            } else {
                t = declared;
            }
            types.put(attr.getKey(), t);
            values.put(attr.getKey(), CtyTypes.retype(v, t));
        }
        return new ObjectVal(refined ? new ObjectType(types, Collections.emptySortedSet()) : declaredType, values);
    }

    /** An object whose type is taken from its attribute values. */
    static ObjectVal object(Map<String, CtyValue> attributes) {
        TreeMap<String, CtyType> types = new TreeMap<>();
        attributes.forEach((k, v) -> types.put(k, v.type()));
        return new ObjectVal(new ObjectType(types, Collections.emptySortedSet()), new TreeMap<>(attributes));
    }

    /** A tuple whose element types are those of its elements. */
    static TupleVal tuple(List<CtyValue> elements) {
        List<CtyType> types = new ArrayList<>(elements.size());
        for (CtyValue e : elements) {
            types.add(e.type());
        }
        return new TupleVal(new TupleType(types), elements);
    }

    // ---- the value kinds -------------------------------------------------------------------

    /** A null value of some type (possibly {@link CtyType#DYNAMIC}). */
    record Null(CtyType type) implements CtyValue {
        public Null {
            type = CtyTypes.withoutOptional(Objects.requireNonNull(type, "type"));
        }

        @Override
        public boolean isNull() {
            return true;
        }

        @Override
        public boolean isWhollyKnown() {
            return true;
        }
    }

    /** A value not known until apply, with what is already known about it. */
    record Unknown(CtyType type, Refinements refinements) implements CtyValue {
        public Unknown {
            type = CtyTypes.withoutOptional(Objects.requireNonNull(type, "type"));
            Objects.requireNonNull(refinements, "refinements");
            String problem = refinements.inapplicableTo(type);
            if (!problem.isEmpty()) {
                throw new IllegalArgumentException(problem);
            }
        }

        @Override
        public boolean isKnown() {
            return false;
        }

        @Override
        public boolean isWhollyKnown() {
            return false;
        }
    }

    /** A string, always held in Unicode NFC. */
    record Str(String value) implements CtyValue {
        public Str {
            value = CtyStrings.nfc(Objects.requireNonNull(value, "value"));
        }

        @Override
        public CtyType type() {
            return CtyType.STRING;
        }

        @Override
        public boolean isWhollyKnown() {
            return true;
        }
    }

    record Num(CtyNumber value) implements CtyValue {
        public Num {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public CtyType type() {
            return CtyType.NUMBER;
        }

        @Override
        public boolean isWhollyKnown() {
            return true;
        }
    }

    record Bool(boolean value) implements CtyValue {
        static final Bool TRUE = new Bool(true);
        static final Bool FALSE = new Bool(false);

        @Override
        public CtyType type() {
            return CtyType.BOOL;
        }

        @Override
        public boolean isWhollyKnown() {
            return true;
        }
    }

    /** A list; every element has exactly the list's element type. */
    record ListVal(ListType type, List<CtyValue> elements) implements CtyValue {
        public ListVal {
            type = (ListType) CtyTypes.withoutOptional(type);
            elements = List.copyOf(elements);
            CtyTypes.checkElements(type.element(), elements, "list");
        }

        @Override
        public boolean isWhollyKnown() {
            return elements.stream().allMatch(CtyValue::isWhollyKnown);
        }
    }

    /**
     * A set. Elements are deduplicated on construction, except elements that contain unknowns:
     * like go-cty, two unknowns are never considered the same element, so they all stay. Element
     * order is kept as given but ignored by {@link #equals}.
     */
    record SetVal(SetType type, List<CtyValue> elements) implements CtyValue {
        public SetVal {
            type = (SetType) CtyTypes.withoutOptional(type);
            CtyTypes.checkElements(type.element(), elements, "set");
            List<CtyValue> unique = new ArrayList<>(elements.size());
            Set<CtyValue> seen = new HashSet<>();
            for (CtyValue e : elements) {
                if (!e.isWhollyKnown() || seen.add(e)) {
                    unique.add(e);
                }
            }
            elements = List.copyOf(unique);
        }

        @Override
        public boolean isWhollyKnown() {
            return elements.stream().allMatch(CtyValue::isWhollyKnown);
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof SetVal other) || !type.equals(other.type) || elements.size() != other.elements.size()) {
                return false;
            }
            Map<CtyValue, Integer> counts = new HashMap<>();
            for (CtyValue e : elements) {
                counts.merge(e, 1, Integer::sum);
            }
            for (CtyValue e : other.elements) {
                Integer c = counts.get(e);
                if (c == null || c == 0) {
                    return false;
                }
                counts.put(e, c - 1);
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = 0;
            for (CtyValue e : elements) {
                h += e.hashCode();
            }
            return 31 * type.hashCode() + h;
        }
    }

    /** A map from string keys; every value has exactly the map's element type. */
    record MapVal(MapType type, SortedMap<String, CtyValue> entries) implements CtyValue {
        public MapVal {
            type = (MapType) CtyTypes.withoutOptional(type);
            TreeMap<String, CtyValue> copy = new TreeMap<>();
            copy.putAll(entries);
            CtyTypes.checkElements(type.element(), copy.values(), "map");
            entries = Collections.unmodifiableSortedMap(copy);
        }

        @Override
        public boolean isWhollyKnown() {
            return entries.values().stream().allMatch(CtyValue::isWhollyKnown);
        }
    }

    /** An object: exactly one value per attribute of its type, each of exactly that attribute's type. */
    record ObjectVal(ObjectType type, SortedMap<String, CtyValue> attributes) implements CtyValue {
        public ObjectVal {
            type = (ObjectType) CtyTypes.withoutOptional(type);
            TreeMap<String, CtyValue> copy = new TreeMap<>();
            copy.putAll(attributes);
            if (!copy.keySet().equals(type.attributes().keySet())) {
                throw new IllegalArgumentException(
                        "object attributes " + copy.keySet() + " do not match its type's attributes "
                                + type.attributes().keySet());
            }
            for (Map.Entry<String, CtyValue> e : copy.entrySet()) {
                CtyType want = type.attributes().get(e.getKey());
                if (!e.getValue().type().equals(want)) {
                    throw new IllegalArgumentException("attribute \"" + e.getKey() + "\" has type "
                            + e.getValue().type() + " but the object type says " + want);
                }
            }
            attributes = Collections.unmodifiableSortedMap(copy);
        }

        /** The value of an attribute. @throws IllegalArgumentException if there is no such attribute */
        public CtyValue get(String attr) {
            CtyValue v = attributes.get(attr);
            if (v == null) {
                throw new IllegalArgumentException("no attribute \"" + attr + "\" in " + type);
            }
            return v;
        }

        /** A copy with one attribute replaced (same rules as {@link CtyValue#object(ObjectType, Map)}). */
        public ObjectVal with(String attr, CtyValue value) {
            Map<String, CtyValue> next = new LinkedHashMap<>(attributes);
            if (!next.containsKey(attr)) {
                throw new IllegalArgumentException("no attribute \"" + attr + "\" in " + type);
            }
            next.put(attr, value);
            // Keep the attribute's type unless the new value needs another one.
            TreeMap<String, CtyType> types = new TreeMap<>(type.attributes());
            if (CtyTypes.unify(type.attributes().get(attr), value.type()) == null) {
                types.put(attr, CtyType.DYNAMIC);
            }
            return CtyValue.object(new ObjectType(types, Collections.emptySortedSet()), next);
        }

        @Override
        public boolean isWhollyKnown() {
            return attributes.values().stream().allMatch(CtyValue::isWhollyKnown);
        }
    }

    /** A tuple: a fixed sequence of values with their own types. */
    record TupleVal(TupleType type, List<CtyValue> elements) implements CtyValue {
        public TupleVal {
            type = (TupleType) CtyTypes.withoutOptional(type);
            elements = List.copyOf(elements);
            if (elements.size() != type.elements().size()) {
                throw new IllegalArgumentException("tuple type has "
                        + type.elements().size() + " elements but " + elements.size() + " values were given");
            }
            for (int i = 0; i < elements.size(); i++) {
                if (!elements.get(i).type().equals(type.elements().get(i))) {
                    throw new IllegalArgumentException("tuple element " + i + " has type "
                            + elements.get(i).type() + " but the tuple type says "
                            + type.elements().get(i));
                }
            }
        }

        @Override
        public boolean isWhollyKnown() {
            return elements.stream().allMatch(CtyValue::isWhollyKnown);
        }
    }
}
