package dev.tfjvm.cty;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of random cty types and values that conform to them, for round-trip
 * properties. Values include nulls, unknowns (optionally refined) and dynamic parts.
 */
final class RandomCty {
    private static final String[] NAMES = {
        "a", "b", "id", "name", "tags", "rule", "x_y", "z9", "ünï", "long_attribute_name"
    };
    private static final String[] STRINGS = {
        "",
        "x",
        "hello world",
        "e\u0301",
        "caf\u00e9",
        "\u65e5\u672c\u8a9e",
        "emoji \ud83d\ude00",
        "quote \" backslash \\ tab \t nl \n",
        "\u0000nul",
        "\u212b",
        "null",
        "123"
    };

    private final Random random;
    private final boolean allowUnknown;
    private final boolean allowInfinity;

    RandomCty(long seed, boolean allowUnknown, boolean allowInfinity) {
        this.random = new Random(seed);
        this.allowUnknown = allowUnknown;
        this.allowInfinity = allowInfinity;
    }

    CtyType type(int depth) {
        int pick = random.nextInt(depth <= 0 ? 4 : 10);
        switch (pick) {
            case 0:
                return CtyType.STRING;
            case 1:
                return CtyType.NUMBER;
            case 2:
                return CtyType.BOOL;
            case 3:
                return CtyType.DYNAMIC;
            case 4:
                return CtyType.list(type(depth - 1));
            case 5:
                return CtyType.set(type(depth - 1));
            case 6:
                return CtyType.map(type(depth - 1));
            case 7:
            case 8: {
                Map<String, CtyType> attrs = new LinkedHashMap<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    attrs.put(NAMES[random.nextInt(NAMES.length)], type(depth - 1));
                }
                return CtyType.object(attrs);
            }
            default: {
                List<CtyType> elems = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    elems.add(type(depth - 1));
                }
                return CtyType.tuple(elems);
            }
        }
    }

    /** The type with every dynamic replaced by a random concrete type. */
    CtyType concrete(CtyType t, int depth) {
        if (t == CtyType.DYNAMIC) {
            return concrete(type(Math.max(depth, 0)), depth - 1);
        }
        if (t instanceof CtyType.ListType l) {
            return CtyType.list(concrete(l.element(), depth - 1));
        }
        if (t instanceof CtyType.SetType s) {
            return CtyType.set(concrete(s.element(), depth - 1));
        }
        if (t instanceof CtyType.MapType m) {
            return CtyType.map(concrete(m.element(), depth - 1));
        }
        if (t instanceof CtyType.ObjectType o) {
            Map<String, CtyType> attrs = new LinkedHashMap<>();
            o.attributes().forEach((k, v) -> attrs.put(k, concrete(v, depth - 1)));
            return CtyType.object(attrs);
        }
        if (t instanceof CtyType.TupleType tt) {
            List<CtyType> es = new ArrayList<>();
            tt.elements().forEach(e -> es.add(concrete(e, depth - 1)));
            return CtyType.tuple(es);
        }
        return t;
    }

    /** A random value conforming to schema type {@code t}. */
    CtyValue value(CtyType t, int depth) {
        return value(t, null, depth);
    }

    /**
     * A random value for schema type {@code s}. {@code c} is null when the value's concrete type
     * is free to choose, or the concrete type all siblings in a collection must share. Nulls and
     * unknowns below a non-dynamic schema type get the schema type itself: the wire does not
     * carry their type, so a more concrete one could not survive a round trip (nor does it in
     * go-cty).
     */
    private CtyValue value(CtyType s, CtyType c, int depth) {
        int special = random.nextInt(12);
        if (s == CtyType.DYNAMIC) {
            CtyType r = c != null ? c : type(Math.max(depth, 1));
            if (special == 0) {
                return CtyValue.nullOf(random.nextBoolean() ? CtyType.DYNAMIC : r);
            }
            if (special == 1 && allowUnknown) {
                return random.nextBoolean() ? CtyValue.unknown(CtyType.DYNAMIC) : unknown(r);
            }
            // Below a dynamic schema type the wire carries the value's type, so r is its schema.
            return value(r, c, depth - 1);
        }
        if (special == 0) {
            return CtyValue.nullOf(s);
        }
        if (special == 1 && allowUnknown) {
            return unknown(s);
        }
        if (s == CtyType.STRING) {
            return CtyValue.string(string());
        }
        if (s == CtyType.NUMBER) {
            return CtyValue.number(number());
        }
        if (s == CtyType.BOOL) {
            return CtyValue.bool(random.nextBoolean());
        }
        if (s instanceof CtyType.ListType l) {
            CtyType ce = c != null ? ((CtyType.ListType) c).element() : concrete(l.element(), 2);
            List<CtyValue> es = new ArrayList<>();
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                es.add(value(l.element(), ce, depth - 1));
            }
            return CtyValue.list(l.element(), es);
        }
        if (s instanceof CtyType.SetType st) {
            CtyType ce = c != null ? ((CtyType.SetType) c).element() : concrete(st.element(), 2);
            List<CtyValue> es = new ArrayList<>();
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                es.add(value(st.element(), ce, depth - 1));
            }
            return CtyValue.set(st.element(), es);
        }
        if (s instanceof CtyType.MapType m) {
            CtyType ce = c != null ? ((CtyType.MapType) c).element() : concrete(m.element(), 2);
            Map<String, CtyValue> es = new LinkedHashMap<>();
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                es.put(
                        random.nextBoolean() ? NAMES[random.nextInt(NAMES.length)] : string(),
                        value(m.element(), ce, depth - 1));
            }
            return CtyValue.map(m.element(), es);
        }
        if (s instanceof CtyType.ObjectType o) {
            Map<String, CtyValue> as = new LinkedHashMap<>();
            o.attributes().forEach((k, at) -> {
                if (random.nextInt(5) != 0) { // sometimes leave it out: the factory makes it null
                    CtyType ca = c == null
                            ? null
                            : ((CtyType.ObjectType) c).attributes().get(k);
                    as.put(k, value(at, ca, depth - 1));
                }
            });
            return CtyValue.object(o, as);
        }
        CtyType.TupleType tt = (CtyType.TupleType) s;
        List<CtyValue> es = new ArrayList<>();
        for (int i = 0; i < tt.elements().size(); i++) {
            CtyType ci = c == null ? null : ((CtyType.TupleType) c).elements().get(i);
            es.add(value(tt.elements().get(i), ci, depth - 1));
        }
        return CtyValue.tuple(es);
    }

    private CtyValue unknown(CtyType t) {
        Refinements r = Refinements.NONE;
        if (t != CtyType.DYNAMIC && random.nextBoolean()) {
            if (random.nextBoolean()) {
                r = r.withNotNull();
            }
            if (t == CtyType.STRING && random.nextBoolean()) {
                r = r.withStringPrefix(STRINGS[random.nextInt(STRINGS.length)]);
            }
            if (t == CtyType.NUMBER) {
                long lo = random.nextInt(100) - 50;
                if (random.nextBoolean()) {
                    r = r.withLowerBound(CtyNumber.of(lo), random.nextBoolean());
                }
                if (random.nextBoolean()) {
                    r = r.withUpperBound(CtyNumber.parse(lo + 1 + random.nextInt(100) + ".25"), random.nextBoolean());
                }
            }
            if (t.isCollection()) {
                long min = random.nextInt(5);
                if (random.nextBoolean()) {
                    r = r.withLengthMin(min);
                }
                if (random.nextBoolean()) {
                    r = r.withLengthMax(min + random.nextInt(1000));
                }
            }
        }
        return CtyValue.unknown(t, r);
    }

    String string() {
        if (random.nextInt(3) == 0) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(20);
            for (int i = 0; i < n; i++) {
                int cp;
                do {
                    cp = random.nextInt(4) == 0 ? random.nextInt(0x10FFFF + 1) : random.nextInt(0x800);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                b.appendCodePoint(cp);
            }
            return b.toString();
        }
        return STRINGS[random.nextInt(STRINGS.length)];
    }

    CtyNumber number() {
        switch (random.nextInt(allowInfinity ? 9 : 8)) {
            case 0:
                return CtyNumber.of(random.nextInt(256) - 128);
            case 1:
                return CtyNumber.of(random.nextLong());
            case 2:
                return CtyNumber.of(
                        BigInteger.TWO.pow(60 + random.nextInt(200)).add(BigInteger.valueOf(random.nextInt(7))));
            case 3:
                return CtyNumber.of(random.nextDouble() * 1e6 - 5e5);
            case 4:
                return CtyNumber.parse((random.nextInt(2000) - 1000) + "." + random.nextInt(1_000_000));
            case 5:
                return CtyNumber.of(new BigDecimal(new BigInteger(130, random), random.nextInt(400) - 100));
            case 6:
                return CtyNumber.of(Long.MIN_VALUE + random.nextInt(3));
            case 7:
                return CtyNumber.parse("1e-" + random.nextInt(320));
            default:
                return random.nextBoolean() ? CtyNumber.POSITIVE_INFINITY : CtyNumber.NEGATIVE_INFINITY;
        }
    }
}
