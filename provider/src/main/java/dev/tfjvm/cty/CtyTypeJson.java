package dev.tfjvm.cty;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tfjvm.cty.CtyType.DynamicType;
import dev.tfjvm.cty.CtyType.ListType;
import dev.tfjvm.cty.CtyType.MapType;
import dev.tfjvm.cty.CtyType.ObjectType;
import dev.tfjvm.cty.CtyType.Primitive;
import dev.tfjvm.cty.CtyType.SetType;
import dev.tfjvm.cty.CtyType.TupleType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * cty type JSON: {@code "string"}, {@code ["list","number"]},
 * {@code ["object",{"a":"bool"},["a"]]}, {@code ["tuple",["string"]]}, {@code "dynamic"}.
 */
final class CtyTypeJson {
    private CtyTypeJson() {}

    static byte[] write(CtyType type) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JsonSupport.FACTORY.createGenerator(out)) {
            write(type, g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    static void write(CtyType type, JsonGenerator g) throws IOException {
        if (type instanceof Primitive p) {
            g.writeString(p.friendlyName());
        } else if (type instanceof DynamicType) {
            g.writeString("dynamic");
        } else if (type instanceof ListType l) {
            writeCollection("list", l.element(), g);
        } else if (type instanceof SetType s) {
            writeCollection("set", s.element(), g);
        } else if (type instanceof MapType m) {
            writeCollection("map", m.element(), g);
        } else if (type instanceof ObjectType o) {
            g.writeStartArray();
            g.writeString("object");
            g.writeStartObject();
            for (Map.Entry<String, CtyType> e : o.attributes().entrySet()) {
                g.writeFieldName(e.getKey());
                write(e.getValue(), g);
            }
            g.writeEndObject();
            if (!o.optional().isEmpty()) {
                g.writeStartArray();
                for (String name : o.optional()) {
                    g.writeString(name);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        } else if (type instanceof TupleType t) {
            g.writeStartArray();
            g.writeString("tuple");
            g.writeStartArray();
            for (CtyType e : t.elements()) {
                write(e, g);
            }
            g.writeEndArray();
            g.writeEndArray();
        }
    }

    private static void writeCollection(String kind, CtyType element, JsonGenerator g) throws IOException {
        g.writeStartArray();
        g.writeString(kind);
        write(element, g);
        g.writeEndArray();
    }

    static CtyType parse(byte[] json) throws CtyDecodeException {
        try (JsonParser p = JsonSupport.parser(json)) {
            CtyType t = parse(p, p.nextToken(), 0);
            if (p.nextToken() != null) {
                throw new CtyDecodeException("invalid type JSON: unexpected content after the type");
            }
            return t;
        } catch (IOException | RuntimeException e) {
            throw new CtyDecodeException(CtyPath.ROOT, "invalid type JSON: " + e.getMessage(), e);
        }
    }

    /** Parses a type whose first token {@code first} has just been read. */
    static CtyType parse(JsonParser p, JsonToken first, int depth) throws IOException, CtyDecodeException {
        if (depth > JsonSupport.MAX_DEPTH) {
            throw new CtyDecodeException("invalid type JSON: types nested deeper than " + JsonSupport.MAX_DEPTH);
        }
        if (first == JsonToken.VALUE_STRING) {
            String name = p.getText();
            switch (name) {
                case "string":
                    return CtyType.STRING;
                case "number":
                    return CtyType.NUMBER;
                case "bool":
                    return CtyType.BOOL;
                case "dynamic":
                    return CtyType.DYNAMIC;
                default:
                    throw new CtyDecodeException("invalid type JSON: unknown primitive type \"" + shorten(name) + "\"");
            }
        }
        if (first != JsonToken.START_ARRAY) {
            throw new CtyDecodeException(
                    "invalid type JSON: expected a type name string or a [kind, ...] array, got " + describe(first));
        }
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw new CtyDecodeException("invalid type JSON: a type array must start with its kind as a string");
        }
        String kind = p.getText();
        CtyType result;
        switch (kind) {
            case "list":
                result = new ListType(parse(p, p.nextToken(), depth + 1));
                break;
            case "set":
                result = new SetType(parse(p, p.nextToken(), depth + 1));
                break;
            case "map":
                result = new MapType(parse(p, p.nextToken(), depth + 1));
                break;
            case "object":
                return parseObject(p, depth);
            case "tuple":
                return parseTuple(p, depth);
            default:
                throw new CtyDecodeException("invalid type JSON: unknown type kind \"" + shorten(kind) + "\"");
        }
        expectEndArray(p, kind);
        return result;
    }

    private static CtyType parseObject(JsonParser p, int depth) throws IOException, CtyDecodeException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new CtyDecodeException("invalid type JSON: an object type needs a JSON object of attribute types");
        }
        TreeMap<String, CtyType> attrs = new TreeMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            attrs.put(name, parse(p, p.nextToken(), depth + 1));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new CtyDecodeException("invalid type JSON: malformed object attribute types");
        }
        TreeSet<String> optional = new TreeSet<>();
        t = p.nextToken();
        if (t == JsonToken.START_ARRAY) {
            while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
                String name = p.getText();
                if (!attrs.containsKey(name)) {
                    throw new CtyDecodeException("invalid type JSON: optional attribute \"" + shorten(name)
                            + "\" is not an attribute of the object type");
                }
                optional.add(name);
            }
            if (t != JsonToken.END_ARRAY) {
                throw new CtyDecodeException("invalid type JSON: optional attributes must be a list of names");
            }
            t = p.nextToken();
        }
        if (t != JsonToken.END_ARRAY) {
            throw new CtyDecodeException("invalid type JSON: unexpected content at the end of an object type");
        }
        return new ObjectType(attrs, optional);
    }

    private static CtyType parseTuple(JsonParser p, int depth) throws IOException, CtyDecodeException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw new CtyDecodeException("invalid type JSON: a tuple type needs an array of element types");
        }
        List<CtyType> elements = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new CtyDecodeException("invalid type JSON: unexpected end of input");
            }
            elements.add(parse(p, t, depth + 1));
        }
        expectEndArray(p, "tuple");
        return new TupleType(elements);
    }

    private static void expectEndArray(JsonParser p, String kind) throws IOException, CtyDecodeException {
        if (p.nextToken() != JsonToken.END_ARRAY) {
            throw new CtyDecodeException("invalid type JSON: a " + kind + " type array has too many elements");
        }
    }

    private static String describe(JsonToken t) {
        return t == null ? "end of input" : t.asString() == null ? t.name() : t.asString();
    }

    static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
