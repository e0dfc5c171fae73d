package dev.tfjvm.log;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/** Builds one hclog JSON line. Dependency-free so logging never slows start-up. */
final class JsonLine {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Bound on nested collections rendered from values, so a cyclic structure cannot loop. */
    private static final int MAX_DEPTH = 8;

    private JsonLine() {
    }

    static String format(Instant time, Level level, String module, String message, Object[] keyValues) {
        StringBuilder out = new StringBuilder(96 + message.length());
        out.append("{\"@level\":\"").append(level.jsonName()).append("\",\"@message\":");
        string(out, message);
        out.append(",\"@module\":");
        string(out, module);
        out.append(",\"@timestamp\":\"");
        timestamp(out, time);
        out.append('"');
        int pairs = keyValues.length / 2;
        for (int i = 0; i < pairs; i++) {
            out.append(',');
            string(out, String.valueOf(keyValues[2 * i]));
            out.append(':');
            value(out, keyValues[2 * i + 1], 0);
        }
        if (keyValues.length % 2 == 1) {
            out.append(",\"EXTRA_VALUE_AT_END\":");
            value(out, keyValues[keyValues.length - 1], 0);
        }
        return out.append("}\n").toString();
    }

    /** hclog's JSON timestamp: UTC with microseconds, e.g. 2026-11-25T01:02:03.456789Z. */
    static void timestamp(StringBuilder out, Instant time) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC);
        pad(out, t.getYear(), 4).append('-');
        pad(out, t.getMonthValue(), 2).append('-');
        pad(out, t.getDayOfMonth(), 2).append('T');
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2).append('.');
        pad(out, t.getNano() / 1000, 6).append('Z');
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    static void value(StringBuilder out, Object value, int depth) {
        if (value instanceof Optional<?> optional) {
            value = optional.orElse(null);
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                out.append(value);
            } else {
                string(out, value.toString());
            }
        } else if (value instanceof Throwable t) {
            string(out, describe(t));
        } else if (value instanceof Map<?, ?> map && depth < MAX_DEPTH) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                value(out, e.getValue(), depth + 1);
            }
            out.append('}');
        } else if (value instanceof Iterable<?> items && depth < MAX_DEPTH) {
            out.append('[');
            Iterator<?> it = items.iterator();
            while (it.hasNext()) {
                value(out, it.next(), depth + 1);
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            out.append(']');
        } else {
            string(out, String.valueOf(value));
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

    /** Appends a JSON string literal: quotes, backslashes, control characters and lone surrogates escaped. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || unpairedSurrogate(s, i)) {
                        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean unpairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }
}
