package dev.tfjvm.spi;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Deprecation;
import dev.tfjvm.schema.Description;
import dev.tfjvm.schema.NestedBlock;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A record bound to a schema block, so resource code reads {@code config.cpuCount()} instead of
 * {@code config.longValue("cpu_count")}. Each record component names an attribute or nested
 * block by its camel-case spelling ({@code cpuCount} is {@code cpu_count}); attributes the record
 * leaves out are simply not read.
 *
 * <pre>{@code
 * record InstanceModel(String name, Value<String> cpus, Optional<Long> cpuCount, List<String> tags) {}
 * static final Model<InstanceModel> MODEL = Model.of(InstanceModel.class, SCHEMA.block());
 * InstanceModel config = MODEL.read(context.config());
 * }</pre>
 *
 * <p>Component types: {@code String}; {@code long}, {@code int}, {@code Long}, {@code Integer},
 * {@code BigDecimal}; {@code boolean}, {@code Boolean}; {@code List}, {@code Set} and
 * {@code Map<String, …>} of those; a record for a nested object (attribute or block), and lists,
 * sets and maps of such records. Wrap a component in {@link Value} to see null and unknown as
 * values, or in {@link Optional} for null (unknown is then an error, as in apply-time code). A
 * bare scalar is allowed only for a required attribute; a bare collection reads null as empty.
 *
 * <p>{@link #of} checks the whole record against the schema and throws naming every mismatch, so a
 * model that does not fit its schema fails when the provider is built, never on a user's value.
 *
 * @param <R> the record type
 */
public final class Model<R extends Record> {
    private final Class<R> type;
    private final Block block;
    private final List<Field> fields;

    private record Field(RecordComponent component, String attribute, Kind kind, boolean required) {}

    private Model(Class<R> type, Block block, List<Field> fields) {
        this.type = type;
        this.block = block;
        this.fields = fields;
    }

    /**
     * Binds {@code type} to {@code block}.
     *
     * @throws IllegalArgumentException naming each component that has no attribute of that name
     *     or whose Java type does not fit the attribute's type
     */
    public static <R extends Record> Model<R> of(Class<R> type, Block block) {
        List<String> problems = new ArrayList<>();
        Model<R> model = bind(type, block, type.getSimpleName(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "record " + type.getName() + " does not fit its schema:\n  " + String.join("\n  ", problems));
        }
        return model;
    }

    /** The record of {@code object}'s values. */
    public R read(TfObject object) {
        return read(object.value());
    }

    /** {@code base} with every component of {@code record} written to its attribute. */
    public TfObject write(R record, TfObject base) {
        return TfObject.of(block, write(record, base.value()));
    }

    /** A new object of the block with the record's values; attributes the record leaves out are null. */
    public TfObject write(R record) {
        return write(record, TfObject.empty(block));
    }

    public Block block() {
        return block;
    }

    // ---- binding -------------------------------------------------------------------------

    /** How a Java type maps to a cty type (recursively). */
    private sealed interface Kind {}

    private enum Scalar implements Kind {
        STRING,
        LONG,
        INT,
        DECIMAL,
        BOOL
    }

    private record ListOf(Kind element) implements Kind {}

    private record SetOf(Kind element) implements Kind {}

    private record MapOf(Kind element) implements Kind {}

    private record Nested(Model<?> model) implements Kind {}

    /** {@code Value<X>} or {@code Optional<X>} around a kind. */
    private record Wrapped(Kind inner, boolean unknownAllowed) implements Kind {}

    private static <R extends Record> Model<R> bind(Class<R> type, Block block, String where, List<String> problems) {
        List<Field> fields = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String name = snakeCase(c.getName());
            String at = where + "." + c.getName();
            Optional<Attribute> attribute = block.attribute(name);
            Optional<NestedBlock> nested = block.block(name);
            if (attribute.isEmpty() && nested.isEmpty()) {
                problems.add(at + ": the schema has no attribute or block named " + name);
                continue;
            }
            CtyType ctyType =
                    attribute.map(Attribute::type).orElseGet(() -> nested.get().impliedType());
            Optional<Block> inner = attribute.isPresent()
                    ? attribute
                            .get()
                            .nested()
                            .map(n -> new Block(n.attributes(), List.of(), Description.NONE, Deprecation.NONE))
                    : Optional.of(nested.get().block());
            Kind kind = kind(c.getGenericType(), ctyType, inner, at, problems);
            boolean required = attribute.map(Attribute::required).orElse(false);
            if (kind instanceof Scalar && !required) {
                problems.add(at + ": " + name + " can be null, so declare it Optional<...> or Value<...>, not "
                        + c.getType().getSimpleName());
            }
            fields.add(new Field(c, name, kind, required));
        }
        return new Model<>(type, block, List.copyOf(fields));
    }

    private static Kind kind(Type java, CtyType cty, Optional<Block> inner, String at, List<String> problems) {
        Class<?> raw = raw(java);
        if (raw == Value.class || raw == Optional.class) {
            Kind k = kind(argument(java, 0), cty, inner, at, problems);
            return new Wrapped(k, raw == Value.class);
        }
        if (raw == String.class) {
            return expect(cty == CtyType.STRING, Scalar.STRING, java, cty, at, problems);
        }
        if (raw == Long.class || raw == long.class) {
            return expect(cty == CtyType.NUMBER, Scalar.LONG, java, cty, at, problems);
        }
        if (raw == Integer.class || raw == int.class) {
            return expect(cty == CtyType.NUMBER, Scalar.INT, java, cty, at, problems);
        }
        if (raw == BigDecimal.class) {
            return expect(cty == CtyType.NUMBER, Scalar.DECIMAL, java, cty, at, problems);
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return expect(cty == CtyType.BOOL, Scalar.BOOL, java, cty, at, problems);
        }
        if (raw == List.class && cty instanceof CtyType.ListType l) {
            return new ListOf(kind(argument(java, 0), l.element(), inner, at, problems));
        }
        if (raw == Set.class && cty instanceof CtyType.SetType s) {
            return new SetOf(kind(argument(java, 0), s.element(), inner, at, problems));
        }
        if (raw == Map.class && cty instanceof CtyType.MapType m && argument(java, 0) == String.class) {
            return new MapOf(kind(argument(java, 1), m.element(), inner, at, problems));
        }
        if (raw.isRecord() && cty instanceof CtyType.ObjectType && inner.isPresent()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Model<?> model = bind((Class) raw, inner.get(), at, problems);
            return new Nested(model);
        }
        problems.add(at + ": a " + java.getTypeName() + " cannot hold a " + cty.friendlyName());
        return Scalar.STRING;
    }

    private static Kind expect(boolean fits, Kind kind, Type java, CtyType cty, String at, List<String> problems) {
        if (!fits) {
            problems.add(at + ": a " + java.getTypeName() + " cannot hold a " + cty.friendlyName());
        }
        return kind;
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type argument(Type t, int i) {
        if (t instanceof ParameterizedType p && p.getActualTypeArguments().length > i) {
            return p.getActualTypeArguments()[i];
        }
        return Object.class;
    }

    /** {@code cpuCount} → {@code cpu_count}, {@code ipv4Address} → {@code ipv4_address}. */
    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    // ---- reading -------------------------------------------------------------------------

    private R read(CtyValue.ObjectVal object) {
        Object[] args = new Object[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            args[i] = top(f.kind, object.get(f.attribute), f.attribute);
        }
        try {
            Class<?>[] types = fields.stream().map(f -> f.component.getType()).toArray(Class<?>[]::new);
            var constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true); // records nested privately in the provider's own classes
            return constructor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName() + ": " + e, e);
        }
    }

    private static Object top(Kind kind, CtyValue v, String path) {
        if (kind instanceof Wrapped w) {
            if (!v.isKnown()) {
                if (w.unknownAllowed) {
                    return Value.unknown();
                }
                throw notKnown(path);
            }
            if (v.isNull()) {
                return w.unknownAllowed ? Value.ofNull() : Optional.empty();
            }
            Object known = element(w.inner, v, path);
            return w.unknownAllowed ? Value.of(known) : Optional.of(known);
        }
        if (!v.isKnown()) {
            throw notKnown(path);
        }
        if (v.isNull()) {
            if (kind instanceof ListOf) {
                return List.of();
            }
            if (kind instanceof SetOf) {
                return Set.of();
            }
            if (kind instanceof MapOf) {
                return Map.of();
            }
            throw new IllegalStateException(path + " is null");
        }
        return element(kind, v, path);
    }

    private static Object element(Kind kind, CtyValue v, String path) {
        if (kind instanceof Wrapped) {
            return top(kind, v, path);
        }
        if (!v.isKnown()) {
            throw notKnown(path);
        }
        if (kind instanceof Scalar s) {
            if (v.isNull()) {
                throw new IllegalStateException(path + " holds a null element");
            }
            return switch (s) {
                case STRING -> ((CtyValue.Str) v).value();
                case LONG -> ((CtyValue.Num) v).value().longValueExact();
                case INT -> Math.toIntExact(((CtyValue.Num) v).value().longValueExact());
                case DECIMAL -> ((CtyValue.Num) v).value().bigDecimalValue();
                case BOOL -> ((CtyValue.Bool) v).value();
            };
        }
        if (kind instanceof ListOf l) {
            List<Object> out = new ArrayList<>();
            List<CtyValue> elements = v instanceof CtyValue.SetVal s ? s.elements() : ((CtyValue.ListVal) v).elements();
            for (int i = 0; i < elements.size(); i++) {
                out.add(element(l.element, elements.get(i), path + "[" + i + "]"));
            }
            return List.copyOf(out);
        }
        if (kind instanceof SetOf s) {
            Set<Object> out = new LinkedHashSet<>();
            for (CtyValue e : ((CtyValue.SetVal) v).elements()) {
                out.add(element(s.element, e, path));
            }
            return java.util.Collections.unmodifiableSet(out);
        }
        if (kind instanceof MapOf m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((CtyValue.MapVal) v)
                    .entries()
                    .forEach((k, e) -> out.put(k, element(m.element, e, path + "[\"" + k + "\"]")));
            return java.util.Collections.unmodifiableMap(out);
        }
        Nested n = (Nested) kind;
        return n.model.read((CtyValue.ObjectVal) v);
    }

    private static IllegalStateException notKnown(String path) {
        return new IllegalStateException(path + " is not known yet (it is known after apply): declare it Value<...>"
                + " to read it at plan time");
    }

    // ---- writing -------------------------------------------------------------------------

    private CtyValue.ObjectVal write(R record, CtyValue.ObjectVal base) {
        Map<String, CtyValue> attrs = new LinkedHashMap<>(base.attributes());
        for (Field f : fields) {
            Object javaValue;
            try {
                var accessor = f.component.getAccessor();
                accessor.setAccessible(true);
                javaValue = accessor.invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + f.component + ": " + e, e);
            }
            attrs.put(
                    f.attribute,
                    toCty(f.kind, javaValue, base.type().attributes().get(f.attribute)));
        }
        return CtyValue.object(base.type(), attrs);
    }

    private static CtyValue toCty(Kind kind, Object value, CtyType type) {
        if (kind instanceof Wrapped w) {
            if (value instanceof Value<?> v) {
                if (v instanceof Value.Unknown) {
                    return CtyValue.unknown(type);
                }
                return v instanceof Value.Known<?> k ? toCty(w.inner, k.value(), type) : CtyValue.nullOf(type);
            }
            Optional<?> o = (Optional<?>) value;
            return o == null || o.isEmpty() ? CtyValue.nullOf(type) : toCty(w.inner, o.get(), type);
        }
        if (value == null) {
            return CtyValue.nullOf(type);
        }
        if (kind instanceof Scalar) {
            return JavaValues.toCty(value, type);
        }
        if (kind instanceof ListOf l) {
            CtyType element = ((CtyType.ListType) type).element();
            return CtyValue.list(
                    element,
                    ((List<?>) value)
                            .stream().map(e -> toCty(l.element, e, element)).toList());
        }
        if (kind instanceof SetOf s) {
            CtyType element = ((CtyType.SetType) type).element();
            return CtyValue.set(
                    element,
                    ((Set<?>) value)
                            .stream().map(e -> toCty(s.element, e, element)).toList());
        }
        if (kind instanceof MapOf m) {
            CtyType element = ((CtyType.MapType) type).element();
            Map<String, CtyValue> entries = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, e) -> entries.put((String) k, toCty(m.element, e, element)));
            return CtyValue.map(element, entries);
        }
        return writeNested(((Nested) kind).model, value);
    }

    @SuppressWarnings("unchecked")
    private static <N extends Record> CtyValue writeNested(Model<N> model, Object value) {
        return model.write((N) value, TfObject.empty(model.block).value());
    }
}
