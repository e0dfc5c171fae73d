package dev.tfjvm.cty;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A cty type, as Terraform describes attribute types on the wire (tfplugin6 {@code type} bytes).
 *
 * <p>Types are immutable values: two types are equal when they describe the same structure.
 * {@link #DYNAMIC} is the "any type" placeholder: in a schema it means the concrete type travels
 * with the value; as the type of a value it only appears on untyped nulls and unknowns.
 */
public sealed interface CtyType
        permits CtyType.Primitive,
                CtyType.ListType,
                CtyType.SetType,
                CtyType.MapType,
                CtyType.ObjectType,
                CtyType.TupleType,
                CtyType.DynamicType {

    CtyType STRING = Primitive.STRING;
    CtyType NUMBER = Primitive.NUMBER;
    CtyType BOOL = Primitive.BOOL;
    /** The dynamic pseudo-type ({@code "dynamic"} in type JSON). */
    CtyType DYNAMIC = DynamicType.DYNAMIC;

    static CtyType list(CtyType element) {
        return new ListType(element);
    }

    static CtyType set(CtyType element) {
        return new SetType(element);
    }

    static CtyType map(CtyType element) {
        return new MapType(element);
    }

    /** An object type; attributes are kept sorted by name. */
    static ObjectType object(Map<String, CtyType> attributes) {
        return object(attributes, Set.of());
    }

    /**
     * An object type constraint with optional attributes (only meaningful in type constraints such
     * as function parameters; value types never carry optional markers).
     */
    static ObjectType object(Map<String, CtyType> attributes, Set<String> optionalAttributes) {
        TreeMap<String, CtyType> attrs = new TreeMap<>();
        attrs.putAll(attributes);
        TreeSet<String> optional = new TreeSet<>();
        optional.addAll(optionalAttributes);
        return new ObjectType(attrs, optional);
    }

    static CtyType tuple(List<CtyType> elements) {
        return new TupleType(elements);
    }

    /** A short human description for messages: "string", "list of number", "object". */
    String friendlyName();

    /** The cty type JSON of this type (UTF-8), as sent in tfplugin6 schema {@code type} fields. */
    default byte[] toJson() {
        return CtyTypeJson.write(this);
    }

    /** Parses cty type JSON; the inverse of {@link #toJson()}. */
    static CtyType fromJson(byte[] json) throws CtyDecodeException {
        return CtyTypeJson.parse(json);
    }

    /** True for string, number and bool. */
    default boolean isPrimitive() {
        return this instanceof Primitive;
    }

    /** True for list, set and map types (the types that have a single element type). */
    default boolean isCollection() {
        return this instanceof ListType || this instanceof SetType || this instanceof MapType;
    }

    /** The element type of a list, set or map type. */
    default Optional<CtyType> elementType() {
        if (this instanceof ListType l) {
            return Optional.of(l.element());
        }
        if (this instanceof SetType s) {
            return Optional.of(s.element());
        }
        if (this instanceof MapType m) {
            return Optional.of(m.element());
        }
        return Optional.empty();
    }

    /** True if {@link #DYNAMIC} appears anywhere in this type (including this type itself). */
    default boolean hasDynamic() {
        return CtyTypes.hasDynamic(this);
    }

    /** The primitive types. */
    enum Primitive implements CtyType {
        STRING("string"),
        NUMBER("number"),
        BOOL("bool");

        private final String name;

        Primitive(String name) {
            this.name = name;
        }

        @Override
        public String friendlyName() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The dynamic pseudo-type: "any type, decided by the value". */
    enum DynamicType implements CtyType {
        DYNAMIC;

        @Override
        public String friendlyName() {
            return "dynamic";
        }

        @Override
        public String toString() {
            return "dynamic";
        }
    }

    record ListType(CtyType element) implements CtyType {
        public ListType {
            Objects.requireNonNull(element, "element");
        }

        @Override
        public String friendlyName() {
            return "list of " + element.friendlyName();
        }

        @Override
        public String toString() {
            return "list(" + element + ")";
        }
    }

    record SetType(CtyType element) implements CtyType {
        public SetType {
            Objects.requireNonNull(element, "element");
        }

        @Override
        public String friendlyName() {
            return "set of " + element.friendlyName();
        }

        @Override
        public String toString() {
            return "set(" + element + ")";
        }
    }

    record MapType(CtyType element) implements CtyType {
        public MapType {
            Objects.requireNonNull(element, "element");
        }

        @Override
        public String friendlyName() {
            return "map of " + element.friendlyName();
        }

        @Override
        public String toString() {
            return "map(" + element + ")";
        }
    }

    /**
     * An object type. {@code optional} names attributes that a type constraint allows to be
     * absent; it is always a subset of the attribute names and is empty for value types.
     */
    record ObjectType(SortedMap<String, CtyType> attributes, SortedSet<String> optional) implements CtyType {
        public ObjectType {
            TreeMap<String, CtyType> attrs = new TreeMap<>();
            attributes.forEach((name, type) -> attrs.put(
                    Objects.requireNonNull(name, "attribute name"),
                    Objects.requireNonNull(type, () -> "type of attribute " + name)));
            TreeSet<String> opt = new TreeSet<>();
            for (String name : optional) {
                if (!attrs.containsKey(name)) {
                    throw new IllegalArgumentException(
                            "optional attribute \"" + name + "\" is not an attribute of the object type");
                }
                opt.add(name);
            }
            attributes = Collections.unmodifiableSortedMap(attrs);
            optional = Collections.unmodifiableSortedSet(opt);
        }

        /** The type of the named attribute, or empty if the object has no such attribute. */
        public Optional<CtyType> attributeType(String name) {
            return Optional.ofNullable(attributes.get(name));
        }

        public boolean hasAttribute(String name) {
            return attributes.containsKey(name);
        }

        /** This type without optional-attribute markers (the form values carry). */
        public ObjectType withoutOptional() {
            return optional.isEmpty() ? this : new ObjectType(attributes, new TreeSet<>());
        }

        @Override
        public String friendlyName() {
            return "object";
        }

        @Override
        public String toString() {
            String body = attributes.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue() + (optional.contains(e.getKey()) ? "?" : ""))
                    .collect(Collectors.joining(", "));
            return "object({" + body + "})";
        }
    }

    record TupleType(List<CtyType> elements) implements CtyType {
        public TupleType {
            elements = List.copyOf(elements);
        }

        @Override
        public String friendlyName() {
            return "tuple";
        }

        @Override
        public String toString() {
            return elements.stream().map(Object::toString).collect(Collectors.joining(", ", "tuple([", "])"));
        }
    }
}
