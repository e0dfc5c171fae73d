package dev.tfjvm.cty;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tfjvm.cty.CtyType.DynamicType;
import dev.tfjvm.cty.CtyType.ListType;
import dev.tfjvm.cty.CtyType.MapType;
import dev.tfjvm.cty.CtyType.ObjectType;
import dev.tfjvm.cty.CtyType.SetType;
import dev.tfjvm.cty.CtyType.TupleType;
import dev.tfjvm.cty.CtyValue.Bool;
import dev.tfjvm.cty.CtyValue.ListVal;
import dev.tfjvm.cty.CtyValue.MapVal;
import dev.tfjvm.cty.CtyValue.Null;
import dev.tfjvm.cty.CtyValue.Num;
import dev.tfjvm.cty.CtyValue.ObjectVal;
import dev.tfjvm.cty.CtyValue.SetVal;
import dev.tfjvm.cty.CtyValue.Str;
import dev.tfjvm.cty.CtyValue.TupleVal;
import dev.tfjvm.cty.CtyValue.Unknown;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON encoding of cty values, as Terraform stores resource state ({@code RawState.json}; go-cty's
 * cty/json format).
 *
 * <ul>
 *   <li>Objects and maps are JSON objects; lists, sets and tuples are arrays; null is null.
 *   <li>Numbers are JSON numbers in plain decimal, of any size and precision; infinities cannot
 *       be written.
 *   <li>Where the schema says {@code dynamic}, the value is {@code {"value": ..., "type": ...}}
 *       (either key order is accepted); an untyped null is plain null.
 *   <li>JSON has no unknowns: encoding a value that contains one fails.
 *   <li>Decoding: absent object attributes become null, unexpected ones are an error (state for a
 *       changed schema must be upgraded first). Like go-cty, a string attribute also accepts a
 *       JSON number or bool (taken as its text), a number accepts a numeric string, and a bool
 *       accepts the strings "true" and "false".
 * </ul>
 */
public final class CtyJson {
    private CtyJson() {}

    // ---- encoding ------------------------------------------------------------------------

    /**
     * Encodes a wholly known {@code v} as the schema type {@code schemaType} expects.
     *
     * @throws CtyEncodeException if {@code v} contains an unknown or an infinity, does not fit
     *     {@code schemaType}, or is nested too deeply
     */
    public static byte[] encode(CtyValue v, CtyType schemaType) throws CtyEncodeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out)) {
            encode(v, schemaType, CtyPath.ROOT, 0, g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static void encode(CtyValue v, CtyType t, CtyPath path, int depth, JsonGenerator g)
            throws CtyEncodeException, IOException {
        if (depth > JsonSupport.MAX_DEPTH) {
            throw new CtyEncodeException(path, "value is nested deeper than " + JsonSupport.MAX_DEPTH + " levels");
        }
        if (t instanceof DynamicType && !(v.type() instanceof DynamicType)) {
            g.writeStartObject();
            g.writeFieldName("value");
            encode(v, v.type(), path, depth + 1, g);
            g.writeFieldName("type");
            CtyTypeJson.write(v.type(), g);
            g.writeEndObject();
            return;
        }
        if (v instanceof Unknown) {
            throw new CtyEncodeException(path, "value is unknown, and JSON cannot represent unknown values");
        }
        if (v instanceof Null) {
            CtyTypes.requireCompatible(v, t, path);
            g.writeNull();
            return;
        }
        if (t == CtyType.STRING) {
            if (!(v instanceof Str s)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            requireUnicode(s.value(), path);
            g.writeString(s.value());
        } else if (t == CtyType.NUMBER) {
            if (!(v instanceof Num n)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            if (n.value().isInfinite()) {
                throw new CtyEncodeException(path, "cannot write infinity as JSON");
            }
            g.writeNumber(n.value().toString());
        } else if (t == CtyType.BOOL) {
            if (!(v instanceof Bool b)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            g.writeBoolean(b.value());
        } else if (t instanceof ListType lt) {
            if (!(v instanceof ListVal l)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            if (l.elements().isEmpty()) {
                CtyTypes.requireCompatible(v, t, path);
            }
            g.writeStartArray();
            for (int i = 0; i < l.elements().size(); i++) {
                encode(l.elements().get(i), lt.element(), path.index(i), depth + 1, g);
            }
            g.writeEndArray();
        } else if (t instanceof SetType st) {
            if (!(v instanceof SetVal s)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            if (s.elements().isEmpty()) {
                CtyTypes.requireCompatible(v, t, path);
            }
            g.writeStartArray();
            for (CtyValue e : s.elements()) {
                encode(e, st.element(), path, depth + 1, g);
            }
            g.writeEndArray();
        } else if (t instanceof MapType mt) {
            if (!(v instanceof MapVal m)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            if (m.entries().isEmpty()) {
                CtyTypes.requireCompatible(v, t, path);
            }
            g.writeStartObject();
            for (Map.Entry<String, CtyValue> e : m.entries().entrySet()) {
                requireUnicode(e.getKey(), path);
                g.writeFieldName(e.getKey());
                encode(e.getValue(), mt.element(), path.key(e.getKey()), depth + 1, g);
            }
            g.writeEndObject();
        } else if (t instanceof TupleType tt) {
            if (!(v instanceof TupleVal tv)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            if (tv.elements().size() != tt.elements().size()) {
                throw new CtyEncodeException(
                        path,
                        "a tuple of " + tt.elements().size() + " elements is required, but have "
                                + tv.elements().size());
            }
            g.writeStartArray();
            for (int i = 0; i < tt.elements().size(); i++) {
                encode(tv.elements().get(i), tt.elements().get(i), path.index(i), depth + 1, g);
            }
            g.writeEndArray();
        } else if (t instanceof ObjectType ot) {
            if (!(v instanceof ObjectVal o)) {
                throw CtyTypes.mismatch(v, t, path);
            }
            for (String name : o.attributes().keySet()) {
                if (!ot.hasAttribute(name)) {
                    throw new CtyEncodeException(
                            path,
                            "unsupported attribute " + CtyStrings.quote(name) + ": the schema type has only "
                                    + ot.attributes().keySet());
                }
            }
            g.writeStartObject();
            for (Map.Entry<String, CtyType> attr : ot.attributes().entrySet()) {
                String name = attr.getKey();
                CtyValue a = o.attributes().get(name);
                if (a == null) {
                    if (!ot.optional().contains(name)) {
                        throw new CtyEncodeException(path, "attribute " + CtyStrings.quote(name) + " is required");
                    }
                    a = CtyValue.nullOf(attr.getValue());
                }
                requireUnicode(name, path);
                g.writeFieldName(name);
                encode(a, attr.getValue(), path.attr(name), depth + 1, g);
            }
            g.writeEndObject();
        } else {
            throw CtyTypes.mismatch(v, t, path);
        }
    }

    private static void requireUnicode(String s, CtyPath path) throws CtyEncodeException {
        CtyMsgpack.utf8(s, path); // same check: no unpaired surrogates
    }

    // ---- decoding ------------------------------------------------------------------------

    /**
     * Decodes JSON as a value of {@code schemaType}.
     *
     * @throws CtyDecodeException for malformed JSON or JSON that does not fit the type; the
     *     message and {@link CtyDecodeException#path()} say where
     */
    public static CtyValue decode(byte[] json, CtyType schemaType) throws CtyDecodeException {
        return decode(json, schemaType, CtyPath.ROOT, 0);
    }

    private static CtyValue decode(byte[] json, CtyType schemaType, CtyPath path, int depth) throws CtyDecodeException {
        try (JsonParser p = JsonSupport.parser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new CtyDecodeException(path, "empty JSON: a value is required");
            }
            CtyValue v = decode(p, first, schemaType, path, depth);
            if (p.nextToken() != null) {
                throw new CtyDecodeException(path, "unexpected content after the JSON value");
            }
            return v;
        } catch (IOException e) {
            // Jackson reports syntax errors and limit violations as exceptions with a location.
            throw new CtyDecodeException(path, "invalid JSON: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // A last line of defence so that callers only ever see the checked exception for bad input.
            throw new CtyDecodeException(path, "internal decoder error on malformed input: " + e, e);
        }
    }

    private static CtyValue decode(JsonParser p, JsonToken tok, CtyType t, CtyPath path, int depth)
            throws IOException, CtyDecodeException {
        if (depth > JsonSupport.MAX_DEPTH) {
            throw new CtyDecodeException(path, "value is nested deeper than " + JsonSupport.MAX_DEPTH + " levels");
        }
        if (tok == null) {
            throw new CtyDecodeException(path, "unexpected end of JSON input");
        }
        if (t instanceof DynamicType) {
            return tok == JsonToken.VALUE_NULL ? CtyValue.nullOf(CtyType.DYNAMIC) : decodeDynamic(p, tok, path, depth);
        }
        if (tok == JsonToken.VALUE_NULL) {
            return CtyValue.nullOf(t);
        }
        if (t == CtyType.STRING) {
            switch (tok) {
                case VALUE_STRING:
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    return CtyValue.string(p.getText());
                case VALUE_TRUE:
                    return CtyValue.string("true");
                case VALUE_FALSE:
                    return CtyValue.string("false");
                default:
                    throw required("string", tok, path);
            }
        }
        if (t == CtyType.NUMBER) {
            if (tok == JsonToken.VALUE_NUMBER_INT
                    || tok == JsonToken.VALUE_NUMBER_FLOAT
                    || tok == JsonToken.VALUE_STRING) {
                try {
                    return CtyValue.number(CtyNumber.parse(p.getText()));
                } catch (NumberFormatException e) {
                    throw new CtyDecodeException(path, "number is required: " + e.getMessage(), e);
                }
            }
            throw required("number", tok, path);
        }
        if (t == CtyType.BOOL) {
            if (tok == JsonToken.VALUE_TRUE || tok == JsonToken.VALUE_FALSE) {
                return CtyValue.bool(tok == JsonToken.VALUE_TRUE);
            }
            if (tok == JsonToken.VALUE_STRING
                    && (p.getText().equals("true") || p.getText().equals("false"))) {
                return CtyValue.bool(p.getText().equals("true"));
            }
            throw required("bool", tok, path);
        }
        try {
            if (t instanceof ListType lt) {
                expect(tok, JsonToken.START_ARRAY, "list", path);
                List<CtyValue> elements = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    elements.add(decode(p, next, lt.element(), path.index(elements.size()), depth + 1));
                }
                return CtyValue.list(lt.element(), elements);
            }
            if (t instanceof SetType st) {
                expect(tok, JsonToken.START_ARRAY, "set", path);
                List<CtyValue> elements = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    elements.add(decode(p, next, st.element(), path, depth + 1));
                }
                return CtyValue.set(st.element(), elements);
            }
            if (t instanceof TupleType tt) {
                expect(tok, JsonToken.START_ARRAY, "tuple", path);
                List<CtyValue> elements = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (elements.size() == tt.elements().size()) {
                        throw new CtyDecodeException(
                                path,
                                "a tuple of length " + tt.elements().size() + " is required (more elements given)");
                    }
                    elements.add(decode(
                            p, next, tt.elements().get(elements.size()), path.index(elements.size()), depth + 1));
                }
                if (elements.size() != tt.elements().size()) {
                    throw new CtyDecodeException(
                            path,
                            "a tuple of length " + tt.elements().size() + " is required (" + elements.size()
                                    + " elements given)");
                }
                return CtyValue.tuple(elements);
            }
            if (t instanceof MapType mt) {
                expect(tok, JsonToken.START_OBJECT, "map", path);
                Map<String, CtyValue> entries = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    entries.put(key, decode(p, p.nextToken(), mt.element(), path.key(key), depth + 1));
                }
                return CtyValue.map(mt.element(), entries);
            }
            if (t instanceof ObjectType ot) {
                expect(tok, JsonToken.START_OBJECT, "object", path);
                Map<String, CtyValue> attrs = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    CtyType at = ot.attributes().get(name);
                    if (at == null) {
                        throw new CtyDecodeException(
                                path.attr(name),
                                "unsupported attribute " + CtyStrings.quote(name) + "; the object type has "
                                        + ot.attributes().keySet());
                    }
                    attrs.put(name, decode(p, p.nextToken(), at, path.attr(name), depth + 1));
                }
                return CtyValue.object(ot, attrs);
            }
        } catch (IllegalArgumentException e) {
            // Element types that cannot be unified (only possible below a dynamic schema type).
            throw new CtyDecodeException(path, e.getMessage(), e);
        }
        throw new CtyDecodeException(path, "unsupported type " + t);
    }

    /** {"value": ..., "type": ...} in either order; a value before its type is buffered, then decoded. */
    private static CtyValue decodeDynamic(JsonParser p, JsonToken tok, CtyPath path, int depth)
            throws IOException, CtyDecodeException {
        expect(tok, JsonToken.START_OBJECT, "dynamic value ({\"value\": ..., \"type\": ...})", path);
        CtyType type = null;
        CtyValue value = null;
        byte[] pendingValue = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken valueTok = p.nextToken();
            if (field.equals("type")) {
                type = CtyTypeJsonParse.parse(p, valueTok, path);
                if (pendingValue != null) {
                    value = decode(pendingValue, type, path, depth + 1);
                }
            } else if (field.equals("value")) {
                if (type != null) {
                    value = decode(p, valueTok, type, path, depth + 1);
                } else {
                    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                    try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(buffer)) {
                        copyStructure(p, g, path);
                    }
                    pendingValue = buffer.toByteArray();
                }
            } else {
                throw new CtyDecodeException(
                        path,
                        "unexpected key " + CtyStrings.quote(field)
                                + " in a dynamic value; only \"value\" and \"type\" are allowed");
            }
        }
        if (type == null || (value == null && pendingValue == null)) {
            throw new CtyDecodeException(path, "a dynamic value needs both \"value\" and \"type\"");
        }
        return value;
    }

    /**
     * Copies the value at the parser's current token. Unlike Jackson's copyCurrentStructure, numbers
     * are copied as their text, so no precision is lost to doubles; iterative, so depth costs no stack.
     */
    private static void copyStructure(JsonParser p, JsonGenerator g, CtyPath path)
            throws IOException, CtyDecodeException {
        int depth = 0;
        JsonToken t = p.currentToken();
        while (true) {
            if (t == null) {
                throw new CtyDecodeException(path, "unexpected end of JSON input");
            }
            switch (t) {
                case START_OBJECT -> {
                    g.writeStartObject();
                    depth++;
                }
                case END_OBJECT -> {
                    g.writeEndObject();
                    depth--;
                }
                case START_ARRAY -> {
                    g.writeStartArray();
                    depth++;
                }
                case END_ARRAY -> {
                    g.writeEndArray();
                    depth--;
                }
                case FIELD_NAME -> g.writeFieldName(p.currentName());
                case VALUE_STRING -> g.writeString(p.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                case VALUE_TRUE -> g.writeBoolean(true);
                case VALUE_FALSE -> g.writeBoolean(false);
                case VALUE_NULL -> g.writeNull();
                default -> throw new CtyDecodeException(path, "unexpected JSON token " + t);
            }
            if (depth == 0) {
                return;
            }
            t = p.nextToken();
        }
    }

    private static void expect(JsonToken tok, JsonToken want, String what, CtyPath path) throws CtyDecodeException {
        if (tok != want) {
            throw required(what, tok, path);
        }
    }

    private static CtyDecodeException required(String what, JsonToken tok, CtyPath path) {
        return new CtyDecodeException(path, what + " is required, but found " + describe(tok));
    }

    private static String describe(JsonToken tok) {
        if (tok == null) {
            return "the end of input";
        }
        switch (tok) {
            case START_ARRAY:
                return "an array";
            case START_OBJECT:
                return "an object";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a bool";
            case VALUE_NULL:
                return "null";
            default:
                return tok.name();
        }
    }

    /** Adapts the type-JSON parser to an already positioned parser, attaching the value path to errors. */
    private static final class CtyTypeJsonParse {
        static CtyType parse(JsonParser p, JsonToken first, CtyPath path) throws IOException, CtyDecodeException {
            try {
                return CtyTypeJson.parse(p, first, 0);
            } catch (CtyDecodeException e) {
                throw new CtyDecodeException(path, "dynamic value: " + e.getMessage(), e);
            }
        }
    }
}
