package dev.multikernel.host.mkctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Typed, path-aware reads of mkctl's JSON: wrong shapes become {@link AnswerException}s. */
final class Json {

    private Json() {}

    static JsonNode field(JsonNode obj, String key, String where) throws AnswerException {
        if (obj == null || !obj.isObject()) {
            throw new AnswerException(where + " is not a JSON object");
        }
        JsonNode v = obj.get(key);
        if (v == null) {
            throw new AnswerException(where + "." + key + " is missing");
        }
        return v;
    }

    static String text(JsonNode obj, String key, String where) throws AnswerException {
        JsonNode v = field(obj, key, where);
        if (!v.isTextual()) {
            throw new AnswerException(where + "." + key + " must be a string, got " + v.getNodeType());
        }
        return v.textValue();
    }

    static Optional<String> optText(JsonNode obj, String key, String where) throws AnswerException {
        JsonNode v = obj == null ? null : obj.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new AnswerException(where + "." + key + " must be a string or null, got " + v.getNodeType());
        }
        return Optional.of(v.textValue());
    }

    static int integer(JsonNode obj, String key, String where) throws AnswerException {
        JsonNode v = field(obj, key, where);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new AnswerException(where + "." + key + " must be an integer, got " + v);
        }
        return v.intValue();
    }

    static OptionalInt optInt(JsonNode obj, String key, String where) throws AnswerException {
        JsonNode v = obj == null ? null : obj.get(key);
        if (v == null || v.isNull()) {
            return OptionalInt.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new AnswerException(where + "." + key + " must be an integer or null, got " + v);
        }
        return OptionalInt.of(v.intValue());
    }

    static boolean bool(JsonNode obj, String key, String where) throws AnswerException {
        JsonNode v = field(obj, key, where);
        if (!v.isBoolean()) {
            throw new AnswerException(where + "." + key + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    /** The array under {@code key}; empty when the key holds {@code null} and {@code nullable}. */
    static Optional<List<JsonNode>> array(JsonNode obj, String key, String where, boolean nullable)
            throws AnswerException {
        JsonNode v = field(obj, key, where);
        if (v.isNull() && nullable) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            throw new AnswerException(where + "." + key + " must be an array, got " + v.getNodeType());
        }
        List<JsonNode> items = new ArrayList<>();
        v.forEach(items::add);
        return Optional.of(items);
    }

    static List<JsonNode> array(JsonNode obj, String key, String where) throws AnswerException {
        return array(obj, key, where, false).orElseThrow();
    }

    static List<String> strings(JsonNode obj, String key, String where) throws AnswerException {
        List<String> out = new ArrayList<>();
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new AnswerException(where + "." + key + " must be an array of strings");
        }
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw new AnswerException(where + "." + key + " must hold only strings");
            }
            out.add(s.textValue());
        }
        return out;
    }

    static byte[] base64(JsonNode obj, String key, String where) throws AnswerException {
        String s = text(obj, key, where);
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new AnswerException(where + "." + key + " is not valid base64: " + e.getMessage());
        }
    }

    static Optional<byte[]> optBase64(JsonNode obj, String key, String where) throws AnswerException {
        Optional<String> s = optText(obj, key, where);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getDecoder().decode(s.get()));
        } catch (IllegalArgumentException e) {
            throw new AnswerException(where + "." + key + " is not valid base64: " + e.getMessage());
        }
    }

    /** An unsigned 64-bit address written as {@code "0x..."}. */
    static long address(JsonNode obj, String key, String where) throws AnswerException {
        String s = text(obj, key, where);
        if (!s.matches("0x[0-9a-fA-F]{1,16}")) {
            throw new AnswerException(where + "." + key + " must be a hex address like 0x1c0000000, got '" + s + "'");
        }
        return Long.parseUnsignedLong(s.substring(2), 16);
    }
}
