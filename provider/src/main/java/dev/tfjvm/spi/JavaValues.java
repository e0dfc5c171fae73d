package dev.tfjvm.spi;

import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns plain Java values into cty values of a known type, so resource code can write
 * {@code state.with("size", 42L)} or {@code with("tags", Map.of("a", "b"))}.
 */
final class JavaValues {
    private JavaValues() {}

    static CtyValue toCty(Object value, CtyType type) {
        if (value == null) {
            return CtyValue.nullOf(type);
        }
        if (value instanceof Optional<?> o) {
            return o.isPresent() ? toCty(o.get(), type) : CtyValue.nullOf(type);
        }
        if (value instanceof CtyValue v) {
            return v;
        }
        if (value instanceof TfObject o) {
            return o.value();
        }
        if (type == CtyType.STRING && value instanceof CharSequence s) {
            return CtyValue.string(s.toString());
        }
        if (type == CtyType.BOOL && value instanceof Boolean b) {
            return CtyValue.bool(b);
        }
        if (type == CtyType.NUMBER) {
            if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return CtyValue.number(((Number) value).longValue());
            }
            if (value instanceof BigInteger bi) {
                return CtyValue.number(new BigDecimal(bi));
            }
            if (value instanceof BigDecimal bd) {
                return CtyValue.number(bd);
            }
            if (value instanceof Double || value instanceof Float) {
                return CtyValue.number(CtyNumber.of(((Number) value).doubleValue()));
            }
        }
        if (type instanceof CtyType.ListType l && value instanceof Collection<?> c) {
            return CtyValue.list(l.element(), convertAll(c, l.element()));
        }
        if (type instanceof CtyType.SetType s && value instanceof Collection<?> c) {
            return CtyValue.set(s.element(), convertAll(c, s.element()));
        }
        if (type instanceof CtyType.MapType m && value instanceof Map<?, ?> map) {
            Map<String, CtyValue> entries = new LinkedHashMap<>();
            map.forEach((k, v) -> entries.put(String.valueOf(k), toCty(v, m.element())));
            return CtyValue.map(m.element(), entries);
        }
        throw new IllegalArgumentException(
                "cannot use a " + value.getClass().getSimpleName() + " as a value of type " + type.friendlyName());
    }

    private static List<CtyValue> convertAll(Collection<?> c, CtyType element) {
        List<CtyValue> out = new ArrayList<>(c.size());
        for (Object o : c) {
            out.add(toCty(o, element));
        }
        return out;
    }
}
