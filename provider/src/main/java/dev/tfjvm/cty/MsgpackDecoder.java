package dev.tfjvm.cty;

import dev.tfjvm.cty.CtyType.DynamicType;
import dev.tfjvm.cty.CtyType.ListType;
import dev.tfjvm.cty.CtyType.MapType;
import dev.tfjvm.cty.CtyType.ObjectType;
import dev.tfjvm.cty.CtyType.SetType;
import dev.tfjvm.cty.CtyType.TupleType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A bounds-checked msgpack reader over a byte array, decoding straight into cty values. Written
 * by hand (rather than on msgpack-core's unpacker) so that every declared length is checked
 * against the bytes actually present before anything is allocated, and every problem becomes a
 * {@link CtyDecodeException} with the path being decoded.
 */
final class MsgpackDecoder {
    private final byte[] buf;
    private int pos;
    private final int limit;

    MsgpackDecoder(byte[] buf, int offset, int limit) {
        this.buf = buf;
        this.pos = offset;
        this.limit = limit;
    }

    void requireEnd(CtyPath path) throws CtyDecodeException {
        if (pos != limit) {
            throw new CtyDecodeException(path, "unexpected " + (limit - pos) + " bytes after the end of the value");
        }
    }

    CtyValue decode(CtyType t, CtyPath path, int depth) throws CtyDecodeException {
        if (depth > JsonSupport.MAX_DEPTH) {
            throw new CtyDecodeException(path, "value is nested deeper than " + JsonSupport.MAX_DEPTH + " levels");
        }
        int b = peek(path);
        if (isExt(b)) {
            return readUnknown(t, path);
        }
        if (t instanceof DynamicType) {
            return decodeDynamic(path, depth);
        }
        if (b == 0xc0) {
            pos++;
            return CtyValue.nullOf(t);
        }
        if (t == CtyType.STRING) {
            return CtyValue.string(readString(path, "string"));
        }
        if (t == CtyType.NUMBER) {
            return CtyValue.number(readNumber(path));
        }
        if (t == CtyType.BOOL) {
            if (b == 0xc2 || b == 0xc3) {
                pos++;
                return CtyValue.bool(b == 0xc3);
            }
            throw required("bool", b, path);
        }
        try {
            if (t instanceof ListType lt) {
                int n = readArrayHeader(path, "list");
                List<CtyValue> elements = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    elements.add(decode(lt.element(), path.index(i), depth + 1));
                }
                return CtyValue.list(lt.element(), elements);
            }
            if (t instanceof SetType st) {
                int n = readArrayHeader(path, "set");
                List<CtyValue> elements = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    elements.add(decode(st.element(), path, depth + 1));
                }
                return CtyValue.set(st.element(), elements);
            }
            if (t instanceof MapType mt) {
                int n = readMapHeader(path, "map");
                Map<String, CtyValue> entries = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    String key = readString(path, "map key (string)");
                    CtyValue value = decode(mt.element(), path.key(key), depth + 1);
                    if (entries.put(key, value) != null) {
                        throw new CtyDecodeException(path, "duplicate map key " + CtyStrings.quote(key));
                    }
                }
                return CtyValue.map(mt.element(), entries);
            }
            if (t instanceof TupleType tt) {
                int n = readArrayHeader(path, "tuple");
                if (n != tt.elements().size()) {
                    throw new CtyDecodeException(
                            path,
                            "a tuple of length " + tt.elements().size() + " is required (" + n + " elements given)");
                }
                List<CtyValue> elements = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    elements.add(decode(tt.elements().get(i), path.index(i), depth + 1));
                }
                return CtyValue.tuple(elements);
            }
            if (t instanceof ObjectType ot) {
                return decodeObject(ot, path, depth);
            }
        } catch (IllegalArgumentException e) {
            // Element types that cannot be unified (only possible below a dynamic schema type).
            throw new CtyDecodeException(path, e.getMessage(), e);
        }
        throw new CtyDecodeException(path, "unsupported type " + t);
    }

    private CtyValue decodeObject(ObjectType ot, CtyPath path, int depth) throws CtyDecodeException {
        int n = readMapHeader(path, "object");
        int total = ot.attributes().size();
        int required = total - ot.optional().size();
        if (n < required || n > total) {
            throw new CtyDecodeException(path, "an object with " + total + " attributes is required (" + n + " given)");
        }
        Map<String, CtyValue> attrs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = readString(path, "attribute name (string)");
            CtyType at = ot.attributes().get(name);
            if (at == null) {
                throw new CtyDecodeException(
                        path.attr(name),
                        "unsupported attribute " + CtyStrings.quote(name) + "; the object type has "
                                + ot.attributes().keySet());
            }
            if (attrs.containsKey(name)) {
                throw new CtyDecodeException(path, "duplicate attribute " + CtyStrings.quote(name));
            }
            attrs.put(name, decode(at, path.attr(name), depth + 1));
        }
        for (String name : ot.attributes().keySet()) {
            if (!attrs.containsKey(name) && !ot.optional().contains(name)) {
                throw new CtyDecodeException(path, "attribute " + CtyStrings.quote(name) + " is required");
            }
        }
        return CtyValue.object(ot, attrs);
    }

    private CtyValue decodeDynamic(CtyPath path, int depth) throws CtyDecodeException {
        int b = peek(path);
        if (b == 0xc0) {
            pos++;
            return CtyValue.nullOf(CtyType.DYNAMIC);
        }
        if (!isArray(b)) {
            throw new CtyDecodeException(
                    path, "a dynamic value must be a [type JSON, value] array, found " + describe(b));
        }
        int n = readArrayHeader(path, "dynamic value");
        if (n != 2) {
            throw new CtyDecodeException(path, "a dynamic value array must have exactly 2 elements (" + n + " given)");
        }
        int tb = peek(path);
        int len;
        if (isStr(tb)) {
            len = readStrHeader(path);
        } else if (tb >= 0xc4 && tb <= 0xc6) {
            len = readBinHeader(path);
        } else {
            throw new CtyDecodeException(
                    path, "the type of a dynamic value must be binary type JSON, found " + describe(tb));
        }
        byte[] json = new byte[len];
        System.arraycopy(buf, pos, json, 0, len);
        pos += len;
        CtyType t;
        try {
            t = CtyTypeJson.parse(json);
        } catch (CtyDecodeException e) {
            throw new CtyDecodeException(path, "dynamic value: " + e.getMessage(), e);
        }
        return decode(t, path, depth + 1);
    }

    // ---- unknowns and refinements -------------------------------------------------------------

    private CtyValue readUnknown(CtyType t, CtyPath path) throws CtyDecodeException {
        int b = buf[pos++] & 0xff;
        int len;
        switch (b) {
            case 0xd4 -> len = 1;
            case 0xd5 -> len = 2;
            case 0xd6 -> len = 4;
            case 0xd7 -> len = 8;
            case 0xd8 -> len = 16;
            case 0xc7 -> len = (int) readUnsigned(1, path);
            case 0xc8 -> len = (int) readUnsigned(2, path);
            default -> len = checkedLength(readUnsigned(4, path), path, "extension");
        }
        int code = buf[need(1, path)];
        pos++;
        need(len, path);
        int payloadStart = pos;
        pos += len;
        if (code != CtyMsgpack.REFINED_UNKNOWN_EXT || len <= 1 || t instanceof DynamicType) {
            // Every extension is an unknown; only extension 12 carries refinements, and an
            // unknown of dynamic type cannot be refined.
            return CtyValue.unknown(t);
        }
        if (len > CtyMsgpack.MAX_REFINEMENTS_BYTES) {
            throw new CtyDecodeException(
                    path,
                    "unknown value refinements too large (" + len + " bytes, at most "
                            + CtyMsgpack.MAX_REFINEMENTS_BYTES + ")");
        }
        return new MsgpackDecoder(buf, payloadStart, payloadStart + len).readRefinements(t, path);
    }

    /** Reads a refinement map (trailing payload bytes are ignored, as go-cty does). */
    private CtyValue readRefinements(CtyType t, CtyPath path) throws CtyDecodeException {
        int b = peek(path);
        if (!isMap(b)) {
            throw new CtyDecodeException(path, "unknown value refinements must be a map, found " + describe(b));
        }
        int n = readMapHeader(path, "refinements");
        boolean definitelyNull = false;
        Optional<Boolean> notNull = Optional.empty();
        Optional<String> prefix = Optional.empty();
        Optional<Refinements.NumberBound> lower = Optional.empty();
        Optional<Refinements.NumberBound> upper = Optional.empty();
        OptionalLong lengthMin = OptionalLong.empty();
        OptionalLong lengthMax = OptionalLong.empty();
        for (int i = 0; i < n; i++) {
            if (!isInt(peek(path))) {
                throw new CtyDecodeException(
                        path, "unknown value refinement keys must be integers, found " + describe(peek(path)));
            }
            long key = readLong(path);
            switch ((int) Math.max(Math.min(key, 1000), -1)) {
                case CtyMsgpack.KEY_NULLNESS -> {
                    int vb = peek(path);
                    if (vb != 0xc2 && vb != 0xc3) {
                        throw new CtyDecodeException(path, "nullness refinement must be a bool, found " + describe(vb));
                    }
                    pos++;
                    if (vb == 0xc3) {
                        definitelyNull = true;
                    } else {
                        notNull = Optional.of(true);
                    }
                }
                case CtyMsgpack.KEY_STRING_PREFIX -> {
                    if (t != CtyType.STRING) {
                        throw new CtyDecodeException(
                                path, "string prefix refinement for a value of type " + t.friendlyName());
                    }
                    prefix = Optional.of(readString(path, "string prefix refinement (string)"));
                }
                case CtyMsgpack.KEY_NUMBER_MIN, CtyMsgpack.KEY_NUMBER_MAX -> {
                    if (t != CtyType.NUMBER) {
                        throw new CtyDecodeException(
                                path, "number bound refinement for a value of type " + t.friendlyName());
                    }
                    if (readArrayHeader(path, "number bound refinement ([number, bool])") != 2) {
                        throw new CtyDecodeException(path, "a number bound refinement must be [number, bool]");
                    }
                    CtyNumber value = readNumber(path);
                    int ib = peek(path);
                    if (ib != 0xc2 && ib != 0xc3) {
                        throw new CtyDecodeException(path, "a number bound refinement must be [number, bool]");
                    }
                    pos++;
                    Refinements.NumberBound bound = new Refinements.NumberBound(value, ib == 0xc3);
                    if (key == CtyMsgpack.KEY_NUMBER_MIN) {
                        lower = Optional.of(bound);
                    } else {
                        upper = Optional.of(bound);
                    }
                }
                case CtyMsgpack.KEY_LENGTH_MIN, CtyMsgpack.KEY_LENGTH_MAX -> {
                    if (!t.isCollection()) {
                        throw new CtyDecodeException(path, "length refinement for a value of type " + t.friendlyName());
                    }
                    if (!isInt(peek(path))) {
                        throw new CtyDecodeException(
                                path, "a length refinement must be an integer, found " + describe(peek(path)));
                    }
                    long length = readLong(path);
                    if (key == CtyMsgpack.KEY_LENGTH_MIN) {
                        lengthMin = OptionalLong.of(length);
                    } else {
                        lengthMax = OptionalLong.of(length);
                    }
                }
                default -> skipValue(path, 0); // a refinement from the future: ignore it
            }
        }
        if (definitelyNull) {
            return CtyValue.nullOf(t); // "unknown but certainly null" is just null
        }
        try {
            return CtyValue.unknown(t, new Refinements(notNull, prefix, lower, upper, lengthMin, lengthMax));
        } catch (IllegalArgumentException e) {
            throw new CtyDecodeException(path, "inconsistent unknown value refinements: " + e.getMessage(), e);
        }
    }

    private void skipValue(CtyPath path, int depth) throws CtyDecodeException {
        if (depth > JsonSupport.MAX_DEPTH) {
            throw new CtyDecodeException(path, "value is nested deeper than " + JsonSupport.MAX_DEPTH + " levels");
        }
        int b = peek(path);
        if (isArray(b)) {
            int n = readArrayHeader(path, "array");
            for (int i = 0; i < n; i++) {
                skipValue(path, depth + 1);
            }
        } else if (isMap(b)) {
            int n = readMapHeader(path, "map");
            for (int i = 0; i < 2 * n; i++) {
                skipValue(path, depth + 1);
            }
        } else if (isStr(b)) {
            skip(readStrHeader(path), path);
        } else if (b >= 0xc4 && b <= 0xc6) {
            skip(readBinHeader(path), path);
        } else if (isExt(b)) {
            readUnknown(CtyType.DYNAMIC, path);
        } else if (isInt(b)) {
            readLongOrBig(path);
        } else if (b == 0xca) {
            skip(5, path);
        } else if (b == 0xcb) {
            skip(9, path);
        } else if (b == 0xc0 || b == 0xc2 || b == 0xc3) {
            pos++;
        } else {
            throw new CtyDecodeException(path, "invalid msgpack: " + describe(b));
        }
    }

    // ---- primitives -----------------------------------------------------------------------

    private CtyNumber readNumber(CtyPath path) throws CtyDecodeException {
        int b = peek(path);
        if (isInt(b)) {
            Object n = readLongOrBig(path);
            return n instanceof Long l ? CtyNumber.of(l) : CtyNumber.of((BigInteger) n);
        }
        if (b == 0xca) {
            pos++;
            float f = Float.intBitsToFloat((int) readUnsigned(4, path));
            return finite(f, path);
        }
        if (b == 0xcb) {
            pos++;
            double d = Double.longBitsToDouble(readSigned8(path));
            return finite(d, path);
        }
        if (isStr(b)) {
            String text = readString(path, "number");
            try {
                return CtyNumber.parse(text);
            } catch (NumberFormatException e) {
                throw new CtyDecodeException(path, "number is required: " + e.getMessage(), e);
            }
        }
        throw required("number", b, path);
    }

    private static CtyNumber finite(double d, CtyPath path) throws CtyDecodeException {
        if (Double.isNaN(d)) {
            throw new CtyDecodeException(path, "number is required: NaN is not a valid number");
        }
        return CtyNumber.of(d);
    }

    private long readLong(CtyPath path) throws CtyDecodeException {
        Object n = readLongOrBig(path);
        if (n instanceof Long l) {
            return l;
        }
        throw new CtyDecodeException(path, "integer " + n + " is too large");
    }

    /** Reads any msgpack integer: a Long, or a BigInteger for uint64 values above Long.MAX_VALUE. */
    private Object readLongOrBig(CtyPath path) throws CtyDecodeException {
        int b = buf[need(1, path)] & 0xff;
        pos++;
        if (b <= 0x7f) {
            return (long) b;
        }
        if (b >= 0xe0) {
            return (long) (byte) b;
        }
        switch (b) {
            case 0xcc:
                return readUnsigned(1, path);
            case 0xcd:
                return readUnsigned(2, path);
            case 0xce:
                return readUnsigned(4, path);
            case 0xcf: {
                long raw = readSigned8(path);
                return raw >= 0 ? (Object) raw : new BigInteger(Long.toUnsignedString(raw));
            }
            case 0xd0:
                return (long) (byte) readUnsigned(1, path);
            case 0xd1:
                return (long) (short) readUnsigned(2, path);
            case 0xd2:
                return (long) (int) readUnsigned(4, path);
            case 0xd3:
                return readSigned8(path);
            default:
                pos--;
                throw required("integer", b, path);
        }
    }

    private String readString(CtyPath path, String what) throws CtyDecodeException {
        int b = peek(path);
        int len;
        if (isStr(b)) {
            len = readStrHeader(path);
        } else if (b >= 0xc4 && b <= 0xc6) {
            len = readBinHeader(path); // lenient, as go-cty's decoder: raw bytes holding UTF-8
        } else {
            throw required(what, b, path);
        }
        need(len, path);
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, len))
                    .toString();
            pos += len;
            return s;
        } catch (CharacterCodingException e) {
            throw new CtyDecodeException(path, what + " is not valid UTF-8", e);
        }
    }

    // ---- headers and raw reads ----------------------------------------------------------------

    private int readStrHeader(CtyPath path) throws CtyDecodeException {
        int b = buf[pos++] & 0xff;
        long len;
        if (b >= 0xa0 && b <= 0xbf) {
            len = b & 0x1f;
        } else if (b == 0xd9) {
            len = readUnsigned(1, path);
        } else if (b == 0xda) {
            len = readUnsigned(2, path);
        } else {
            len = readUnsigned(4, path);
        }
        return bytesAvailable(checkedLength(len, path, "string"), path);
    }

    private int readBinHeader(CtyPath path) throws CtyDecodeException {
        int b = buf[pos++] & 0xff;
        long len = readUnsigned(b == 0xc4 ? 1 : b == 0xc5 ? 2 : 4, path);
        return bytesAvailable(checkedLength(len, path, "binary"), path);
    }

    /** Reads an array header; the count is checked against the remaining bytes (each element takes at least one). */
    private int readArrayHeader(CtyPath path, String what) throws CtyDecodeException {
        int b = peek(path);
        long n;
        if (b >= 0x90 && b <= 0x9f) {
            pos++;
            n = b & 0x0f;
        } else if (b == 0xdc) {
            pos++;
            n = readUnsigned(2, path);
        } else if (b == 0xdd) {
            pos++;
            n = readUnsigned(4, path);
        } else {
            throw required(what, b, path);
        }
        if (n > limit - pos) {
            throw new CtyDecodeException(
                    path,
                    "truncated data: array claims " + n + " elements but only " + (limit - pos) + " bytes remain");
        }
        return (int) n;
    }

    /** Reads a map header; the count is checked against the remaining bytes (each entry takes at least two). */
    private int readMapHeader(CtyPath path, String what) throws CtyDecodeException {
        int b = peek(path);
        long n;
        if (b >= 0x80 && b <= 0x8f) {
            pos++;
            n = b & 0x0f;
        } else if (b == 0xde) {
            pos++;
            n = readUnsigned(2, path);
        } else if (b == 0xdf) {
            pos++;
            n = readUnsigned(4, path);
        } else {
            throw required(what, b, path);
        }
        if (2 * n > limit - pos) {
            throw new CtyDecodeException(
                    path, "truncated data: map claims " + n + " entries but only " + (limit - pos) + " bytes remain");
        }
        return (int) n;
    }

    private long readUnsigned(int bytes, CtyPath path) throws CtyDecodeException {
        need(bytes, path);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (buf[pos++] & 0xff);
        }
        return v;
    }

    private long readSigned8(CtyPath path) throws CtyDecodeException {
        need(8, path);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xff);
        }
        return v;
    }

    private static int checkedLength(long len, CtyPath path, String what) throws CtyDecodeException {
        if (len > Integer.MAX_VALUE) {
            throw new CtyDecodeException(path, "truncated data: " + what + " claims " + len + " bytes");
        }
        return (int) len;
    }

    private int bytesAvailable(int len, CtyPath path) throws CtyDecodeException {
        need(len, path);
        return len;
    }

    private void skip(int len, CtyPath path) throws CtyDecodeException {
        need(len, path);
        pos += len;
    }

    /** Checks that {@code n} more bytes exist; returns the current position. */
    private int need(int n, CtyPath path) throws CtyDecodeException {
        if (n > limit - pos) {
            throw new CtyDecodeException(
                    path, "truncated data: need " + n + " more bytes but only " + (limit - pos) + " remain");
        }
        return pos;
    }

    private int peek(CtyPath path) throws CtyDecodeException {
        if (pos >= limit) {
            throw new CtyDecodeException(path, "truncated data: unexpected end of input");
        }
        return buf[pos] & 0xff;
    }

    private static CtyDecodeException required(String what, int b, CtyPath path) {
        return new CtyDecodeException(path, what + " is required, but found " + describe(b));
    }

    private static boolean isExt(int b) {
        return (b >= 0xd4 && b <= 0xd8) || (b >= 0xc7 && b <= 0xc9);
    }

    private static boolean isStr(int b) {
        return (b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb);
    }

    private static boolean isArray(int b) {
        return (b >= 0x90 && b <= 0x9f) || b == 0xdc || b == 0xdd;
    }

    private static boolean isMap(int b) {
        return (b >= 0x80 && b <= 0x8f) || b == 0xde || b == 0xdf;
    }

    private static boolean isInt(int b) {
        return b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xcf) || (b >= 0xd0 && b <= 0xd3);
    }

    static String describe(int b) {
        if (isInt(b)) {
            return "an integer";
        }
        if (isStr(b)) {
            return "a string";
        }
        if (isArray(b)) {
            return "an array";
        }
        if (isMap(b)) {
            return "a map";
        }
        if (isExt(b)) {
            return "an extension (unknown value)";
        }
        switch (b) {
            case 0xc0:
                return "nil";
            case 0xc2:
            case 0xc3:
                return "a bool";
            case 0xc4:
            case 0xc5:
            case 0xc6:
                return "binary data";
            case 0xca:
            case 0xcb:
                return "a float";
            default:
                return String.format("the invalid msgpack byte 0x%02x", b);
        }
    }
}
