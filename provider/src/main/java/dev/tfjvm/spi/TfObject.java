package dev.tfjvm.spi;

import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.log.Log;
import dev.tfjvm.log.LogValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Deprecation;
import dev.tfjvm.schema.Description;
import dev.tfjvm.schema.NestedBlock;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A typed, immutable view of a configuration, plan or state object, so resource code never
 * handles wire formats. Getters return {@code Optional.empty()} for null; asking for the value
 * of an unknown attribute is a programming error ({@link IllegalStateException}): check
 * {@link #isKnown(String)} first in plan-time code, where values may still be unknown.
 */
public final class TfObject implements LogValue {
    private final Block block;
    private final CtyValue.ObjectVal value;

    private TfObject(Block block, CtyValue.ObjectVal value) {
        this.block = block;
        this.value = value;
    }

    /** Wraps a non-null object value of {@code block}'s type. */
    public static TfObject of(Block block, CtyValue value) {
        if (!(value instanceof CtyValue.ObjectVal o)) {
            throw new IllegalArgumentException("expected a known, non-null object but got " + value);
        }
        return new TfObject(block, o);
    }

    /** Empty for a null value (no object), else the object; for prior states and the like. */
    public static Optional<TfObject> ofNullable(Block block, CtyValue value) {
        return value.isNull() ? Optional.empty() : Optional.of(of(block, value));
    }

    /** An object of {@code block}'s type with every attribute null and every block empty. */
    public static TfObject empty(Block block) {
        Map<String, CtyValue> attrs = new HashMap<>();
        for (NestedBlock b : block.blocks()) {
            attrs.put(b.typeName(), emptyBlockValue(b));
        }
        return new TfObject(block, CtyValue.object(block.impliedType(), attrs));
    }

    static CtyValue emptyBlockValue(NestedBlock b) {
        CtyType.ObjectType t = b.block().impliedType();
        return switch (b.nesting()) {
            case SINGLE -> CtyValue.nullOf(t);
            case GROUP -> empty(b.block()).value();
            case LIST -> CtyValue.list(t, List.of());
            case SET -> CtyValue.set(t, List.of());
            case MAP -> CtyValue.map(t, Map.of());
        };
    }

    public Block block() {
        return block;
    }

    public CtyValue.ObjectVal value() {
        return value;
    }

    public CtyValue get(String name) {
        requireName(name);
        return value.get(name);
    }

    public boolean isNull(String name) {
        return get(name).isNull();
    }

    public boolean isKnown(String name) {
        return get(name).isKnown();
    }

    /**
     * Whether the attribute is known and, for a list, set or map, each of its elements is known too
     * (their own attributes may not be): a configuration can hold {@code [local.x]} with {@code x}
     * not known yet. Check it before {@link #objects} and {@link #strings} in plan-time code.
     */
    public boolean elementsKnown(String name) {
        CtyValue v = get(name);
        if (!v.isKnown()) {
            return false;
        }
        if (v.isNull()) {
            return true;
        }
        if (v instanceof CtyValue.ListVal l) {
            return l.elements().stream().allMatch(CtyValue::isKnown);
        }
        if (v instanceof CtyValue.SetVal st) {
            return st.elements().stream().allMatch(CtyValue::isKnown);
        }
        if (v instanceof CtyValue.MapVal m) {
            return m.entries().values().stream().allMatch(CtyValue::isKnown);
        }
        return true;
    }

    public boolean isWhollyKnown() {
        return value.isWhollyKnown();
    }

    public Optional<String> string(String name) {
        return known(name).map(v -> ((CtyValue.Str) v).value());
    }

    public String requireString(String name) {
        return string(name).orElseThrow(() -> new IllegalStateException(name + " is null"));
    }

    /** @throws AttributeValueException for an infinity, which has no decimal value */
    public Optional<BigDecimal> number(String name) {
        return known(name).map(v -> {
            CtyNumber n = ((CtyValue.Num) v).value();
            if (n.isInfinite()) {
                throw new AttributeValueException(name, name + " is " + n + ": it must be a finite number.");
            }
            return n.bigDecimalValue();
        });
    }

    /** @throws AttributeValueException for a fraction, an infinity or a number outside the range of a long */
    public Optional<Long> longValue(String name) {
        return known(name).map(v -> {
            CtyNumber n = ((CtyValue.Num) v).value();
            if (!n.fitsLong()) {
                throw new AttributeValueException(
                        name,
                        name + " is " + shown(n) + ": it must be a whole number"
                                + (n.isIntegral() ? " of at most 19 digits." : "."));
            }
            return n.longValueExact();
        });
    }

    private static String shown(CtyNumber n) {
        String plain = n.toString();
        return plain.length() <= 40
                ? plain
                : plain.substring(0, 20) + "… (a number of " + plain.length() + " characters)";
    }

    public Optional<Boolean> bool(String name) {
        return known(name).map(v -> ((CtyValue.Bool) v).value());
    }

    /** Elements of a list or set of strings; empty when null. */
    public List<String> strings(String name) {
        Optional<CtyValue> v = known(name);
        if (v.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (CtyValue e : elements(v.get())) {
            out.add(requireKnown(name, e) instanceof CtyValue.Str s ? s.value() : null);
        }
        return Collections.unmodifiableList(out);
    }

    public Set<String> stringSet(String name) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(strings(name)));
    }

    public Map<String, String> stringMap(String name) {
        Optional<CtyValue> v = known(name);
        if (v.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        ((CtyValue.MapVal) v.get()).entries().forEach((k, e) -> {
            CtyValue known = requireKnown(name + "[\"" + k + "\"]", e);
            out.put(k, known.isNull() ? null : ((CtyValue.Str) known).value());
        });
        return Collections.unmodifiableMap(out);
    }

    /** A SINGLE or GROUP nested block, or a single nested attribute object; empty when null. */
    public Optional<TfObject> object(String name) {
        return known(name).map(v -> new TfObject(innerBlock(name), (CtyValue.ObjectVal) v));
    }

    /** The objects of a LIST or SET nested block or nested attribute; empty when null. */
    public List<TfObject> objects(String name) {
        Optional<CtyValue> v = known(name);
        if (v.isEmpty()) {
            return List.of();
        }
        Block inner = innerBlock(name);
        List<TfObject> out = new ArrayList<>();
        for (CtyValue e : elements(v.get())) {
            out.add(new TfObject(inner, (CtyValue.ObjectVal) requireKnown(name, e)));
        }
        return Collections.unmodifiableList(out);
    }

    /** The objects of a MAP nested block or nested attribute, by key. */
    public Map<String, TfObject> objectMap(String name) {
        Optional<CtyValue> v = known(name);
        if (v.isEmpty()) {
            return Map.of();
        }
        Block inner = innerBlock(name);
        Map<String, TfObject> out = new LinkedHashMap<>();
        ((CtyValue.MapVal) v.get())
                .entries()
                .forEach((k, e) -> out.put(k, new TfObject(inner, (CtyValue.ObjectVal) requireKnown(name, e))));
        return Collections.unmodifiableMap(out);
    }

    /**
     * A copy with one attribute replaced. Accepts Java values (String, Long/Integer,
     * BigDecimal, Boolean, Collection, Map, TfObject, Optional, null) or a {@link CtyValue}.
     */
    public TfObject with(String name, Object newValue) {
        CtyType type = typeOf(name);
        CtyValue converted = JavaValues.toCty(newValue, type);
        Map<String, CtyValue> attrs = new HashMap<>(value.attributes());
        attrs.put(name, converted);
        return new TfObject(block, CtyValue.object(value.type(), attrs));
    }

    /** A copy with one attribute unknown ("known after apply"). */
    public TfObject withUnknown(String name) {
        return with(name, CtyValue.unknown(typeOf(name)));
    }

    /** Objects for a nested block or nested attribute of this object, to build a list for {@link #with}. */
    public TfObject newNested(String name) {
        return empty(innerBlock(name));
    }

    private CtyType typeOf(String name) {
        requireName(name);
        return value.type().attributes().get(name);
    }

    private Block innerBlock(String name) {
        Optional<NestedBlock> b = block.block(name);
        if (b.isPresent()) {
            return b.get().block();
        }
        Attribute a = block.attribute(name).orElseThrow();
        return a.nested()
                .map(n -> new Block(n.attributes(), List.of(), Description.NONE, Deprecation.NONE))
                .orElseThrow(() -> new IllegalArgumentException(name + " is not a nested object"));
    }

    private Optional<CtyValue> known(String name) {
        CtyValue v = requireKnown(name, get(name));
        return v.isNull() ? Optional.empty() : Optional.of(v);
    }

    private static CtyValue requireKnown(String name, CtyValue v) {
        if (!v.isKnown()) {
            throw new IllegalStateException(name + " is not known yet (it is known after apply); check isKnown first");
        }
        return v;
    }

    private static List<CtyValue> elements(CtyValue v) {
        if (v instanceof CtyValue.ListVal l) {
            return l.elements();
        }
        if (v instanceof CtyValue.SetVal s) {
            return s.elements();
        }
        throw new IllegalArgumentException("not a list or set: " + v.type().friendlyName());
    }

    private void requireName(String name) {
        if (!value.type().attributes().containsKey(name)) {
            throw new IllegalArgumentException("no attribute or block named \"" + name + "\"; known: "
                    + value.type().attributes().keySet());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TfObject t && t.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return value.toString();
    }

    /**
     * The attributes by name for a log line, with sensitive and write-only attributes (and any
     * nested attribute or block holding one) written as a mask, never their values.
     */
    @Override
    public Object logValue() {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (Attribute a : block.attributes()) {
            out.put(a.name(), holdsSecrets(a) ? Log.MASK : value.get(a.name()).toString());
        }
        for (NestedBlock b : block.blocks()) {
            out.put(
                    b.typeName(),
                    holdsSecrets(b.block()) ? Log.MASK : value.get(b.typeName()).toString());
        }
        return out;
    }

    private static boolean holdsSecrets(Attribute a) {
        return a.sensitive()
                || a.writeOnly()
                || a.nested()
                        .map(n -> n.attributes().stream().anyMatch(TfObject::holdsSecrets))
                        .orElse(false);
    }

    private static boolean holdsSecrets(Block b) {
        return b.attributes().stream().anyMatch(TfObject::holdsSecrets)
                || b.blocks().stream().anyMatch(nb -> holdsSecrets(nb.block()));
    }
}
