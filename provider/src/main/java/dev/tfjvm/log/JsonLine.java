package dev.tfjvm.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds one hclog JSON line with Jackson's generator (already on the bridge's class path for
 * cty JSON), so quoting and escaping are a maintained library's job.
 */
final class JsonLine {
    /** Bound on nested collections rendered from values, so a cyclic structure cannot loop. */
    private static final int MAX_DEPTH = 8;
    /** What a masked field's value is written as. */
    static final String MASK = "(sensitive value)";

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final CharacterEscapes ESCAPES = new LineEscapes();

    private JsonLine() {}

    static String format(Instant time, Level level, String module, String message, Object[] keyValues) {
        return format(time, level, module, message, keyValues, Set.of());
    }

    /** One line; the values of fields named in {@code masked} are replaced by {@link #MASK}. */
    static String format(
            Instant time, Level level, String module, String message, Object[] keyValues, Set<String> masked) {
        StringWriter out = new StringWriter(96 + message.length());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.setCharacterEscapes(ESCAPES);
            g.writeStartObject();
            g.writeStringField("@level", level.jsonName());
            g.writeStringField("@message", message);
            g.writeStringField("@module", module);
            g.writeStringField("@timestamp", timestamp(time));
            int pairs = keyValues.length / 2;
            for (int i = 0; i < pairs; i++) {
                String key = String.valueOf(keyValues[2 * i]);
                g.writeFieldName(key);
                if (masked.contains(key)) {
                    g.writeString(MASK);
                } else {
                    value(g, keyValues[2 * i + 1], 0);
                }
            }
            if (keyValues.length % 2 == 1) {
                g.writeFieldName("EXTRA_VALUE_AT_END");
                value(g, keyValues[keyValues.length - 1], 0);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.append('\n').toString();
    }

    /** hclog's JSON timestamp: UTC with microseconds, e.g. 2026-11-25T01:02:03.456789Z. */
    static String timestamp(Instant time) {
        // by hand: this runs for every log line, and String.format parses its pattern each time
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(27);
        pad(out, t.getYear(), 4).append('-');
        pad(out, t.getMonthValue(), 2).append('-');
        pad(out, t.getDayOfMonth(), 2).append('T');
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2).append('.');
        return pad(out, t.getNano() / 1000, 6).append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    private static void value(JsonGenerator g, Object value, int depth) throws IOException {
        if (value instanceof Optional<?> optional) {
            value = optional.orElse(null);
        }
        if (value instanceof LogValue lv && depth < MAX_DEPTH) {
            value(g, lv.logValue(), depth + 1);
        } else if (value == null) {
            g.writeString("<null>");
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (value instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeString(value.toString());
            }
        } else if (value instanceof Throwable t) {
            g.writeString(describe(t));
        } else if (value instanceof Map<?, ?> map && depth < MAX_DEPTH) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                value(g, e.getValue(), depth + 1);
            }
            g.writeEndObject();
        } else if (value instanceof Iterable<?> items && depth < MAX_DEPTH) {
            g.writeStartArray();
            for (Object item : items) {
                value(g, item, depth + 1);
            }
            g.writeEndArray();
        } else {
            g.writeString(String.valueOf(value));
        }
    }

    /** "message: cause message: ..." like Go's wrapped errors; bounded against cycles. */
    static String describe(Throwable t) {
        StringBuilder text = new StringBuilder(String.valueOf(t));
        Throwable cause = t.getCause();
        for (int i = 0; cause != null && cause != t && i < MAX_DEPTH; i++, cause = cause.getCause()) {
            text.append(": ").append(cause);
        }
        return text.toString();
    }

    /**
     * Jackson's standard escapes (quotes, backslash, control characters) plus DEL, the two
     * Unicode line separators, and every surrogate: a lone surrogate has no UTF-8 form, so it
     * would reach Terraform as '?'; escaped, it survives, and a pair decodes to its character.
     */
    private static final class LineEscapes extends CharacterEscapes {
        private final int[] ascii;

        LineEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch == '\u2028' || ch == '\u2029' || (ch >= 0xd800 && ch <= 0xdfff)) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
