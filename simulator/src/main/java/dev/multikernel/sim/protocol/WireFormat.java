package dev.multikernel.sim.protocol;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The framing of the simulator socket protocol (docs/simulator-protocol.md): one header line of
 * space-separated fields, strings percent-encoded, optionally followed by a raw payload whose
 * length is the last header field.
 */
public final class WireFormat {
    private WireFormat() {}

    /** Protocol version spoken by this server, reported by {@code INFO}. */
    public static final int VERSION = 1;
    /** Longest header line, including the terminating '\n'. */
    public static final int MAX_HEADER_BYTES = 8192;
    /** Largest payload either side sends (files are at most 1 MiB; this leaves room to test EFBIG). */
    public static final int MAX_PAYLOAD_BYTES = 16 << 20;

    /**
     * Percent-encodes a byte string: bytes 0x21..0x7E other than '%' are kept, every other byte
     * becomes %XX (upper-case hex). The empty string encodes as "%" alone.
     */
    public static String encode(byte[] raw) {
        if (raw.length == 0) {
            return "%";
        }
        StringBuilder sb = new StringBuilder(raw.length);
        for (byte b : raw) {
            int c = b & 0xff;
            if (c >= 0x21 && c <= 0x7e && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    public static String encode(String s) {
        return encode(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Inverse of {@link #encode(byte[])}. */
    public static byte[] decodeBytes(String field) throws ProtocolException {
        if (field.equals("%")) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '%') {
                if (i + 2 >= field.length()) {
                    throw new ProtocolException("truncated %XX escape in field '" + field + "'");
                }
                int hi = Character.digit(field.charAt(i + 1), 16);
                int lo = Character.digit(field.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new ProtocolException("bad %XX escape in field '" + field + "'");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x21 || c > 0x7e) {
                throw new ProtocolException("raw byte 0x" + Integer.toHexString(c) + " in a field; encode it as %XX");
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    public static String decode(String field) throws ProtocolException {
        return new String(decodeBytes(field), StandardCharsets.UTF_8);
    }

    /**
     * Parses an unsigned 64-bit number: decimal, or hex with a 0x prefix. A leading '-' is
     * accepted for decimal (two's complement), so C clients may print ints with %d.
     */
    public static long parseNumber(String field, String what) throws ProtocolException {
        try {
            if (field.startsWith("0x") || field.startsWith("0X")) {
                if (field.length() > 18) {
                    throw new NumberFormatException();
                }
                return Long.parseUnsignedLong(field.substring(2), 16);
            }
            if (field.startsWith("-")) {
                return Long.parseLong(field);
            }
            return Long.parseUnsignedLong(field);
        } catch (NumberFormatException e) {
            throw new ProtocolException(what + " '" + field + "' is not a number (decimal or 0x hex)");
        }
    }

    /**
     * Reads one header line (without the '\n'). Returns null on a clean end of stream before any
     * byte. Throws if the line is longer than {@link #MAX_HEADER_BYTES} or holds a NUL or CR.
     */
    public static String readLine(InputStream in) throws IOException, ProtocolException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a header line");
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII);
            }
            if (line.size() + 1 >= MAX_HEADER_BYTES) {
                throw new ProtocolException("header line longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (b < 0x20 || b > 0x7e) {
                throw new ProtocolException("header byte 0x" + Integer.toHexString(b)
                        + " is not printable ASCII (strings must be %XX-encoded)");
            }
            line.write(b);
        }
    }

    /** Splits a header on single spaces; empty fields (double spaces, edges) are an error. */
    public static List<String> fields(String line) throws ProtocolException {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == ' ') {
                if (i == start) {
                    throw new ProtocolException("empty field in header (fields are separated by exactly one space)");
                }
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /** Reads exactly {@code length} bytes. */
    public static byte[] readPayload(InputStream in, long length) throws IOException, ProtocolException {
        if (length < 0 || length > MAX_PAYLOAD_BYTES) {
            throw new ProtocolException(
                    "payload length " + Long.toUnsignedString(length) + " is outside 0.." + MAX_PAYLOAD_BYTES);
        }
        byte[] data = in.readNBytes((int) length);
        if (data.length != length) {
            throw new EOFException("connection closed after " + data.length + " of " + length + " payload bytes");
        }
        return data;
    }

    /** A frame that does not follow the protocol. */
    public static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;

        public ProtocolException(String message) {
            super(message);
        }
    }
}
