package dev.multikernel.host.devicetree;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One device tree property: a name and an uninterpreted big-endian value.
 *
 * <p>The value is copied in and out, so a {@code Property} is immutable. The typed views ({@link
 * #asU32()}, {@link #asU64Cells()}, {@link #asString()}, ...) check the length and encoding and
 * throw a {@link DeviceTreeException} that names the property when the value does not fit the
 * view.
 *
 * @param name property name (printable ASCII, no '/')
 * @param value raw value bytes (copied)
 */
public record Property(String name, byte[] value) {

    public Property {
        String problem = Names.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("invalid property name " + quoted(name) + ": " + problem);
        }
        value = Objects.requireNonNull(value, "value").clone();
    }

    private static String quoted(String name) {
        return name == null ? "null" : Names.quote(name);
    }

    /** A copy of the raw value. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Length of the value in bytes. */
    public int length() {
        return value.length;
    }

    /** True for a boolean-style property without a value ({@code e;}). */
    public boolean isEmpty() {
        return value.length == 0;
    }

    // ---------------------------------------------------------------- factories

    /** A property without value. */
    public static Property empty(String name) {
        return new Property(name, new byte[0]);
    }

    /** A property of 32-bit cells ({@code name = <a b c>}). */
    public static Property u32(String name, int... cells) {
        byte[] out = new byte[cells.length * 4];
        for (int i = 0; i < cells.length; i++) {
            Bytes.putU32(out, i * 4, cells[i]);
        }
        return new Property(name, out);
    }

    /** A property of 32-bit cells from a list. */
    public static Property u32(String name, List<Integer> cells) {
        return u32(name, cells.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A property of 64-bit values, each two cells high word first ({@code /bits/ 64 <...>}). */
    public static Property u64(String name, long... values) {
        byte[] out = new byte[values.length * 8];
        for (int i = 0; i < values.length; i++) {
            Bytes.putU64(out, i * 8, values[i]);
        }
        return new Property(name, out);
    }

    /** A property of 64-bit values from a list. */
    public static Property u64(String name, List<Long> values) {
        return u64(name, values.stream().mapToLong(Long::longValue).toArray());
    }

    /** A NUL-terminated UTF-8 string. */
    public static Property string(String name, String value) {
        return strings(name, value);
    }

    /** A list of NUL-terminated UTF-8 strings ({@code name = "a", "b"}). */
    public static Property strings(String name, String... values) {
        return strings(name, Arrays.asList(values));
    }

    /** A list of NUL-terminated UTF-8 strings. */
    public static Property strings(String name, List<String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : values) {
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(
                        "string for property " + Names.quote(name) + " contains a NUL character");
            }
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return new Property(name, out.toByteArray());
    }

    /** Raw bytes ({@code name = [01 02]}). */
    public static Property bytes(String name, byte... value) {
        return new Property(name, value);
    }

    /** A {@code phandle} property holding {@code handle}. */
    public static Property phandle(int handle) {
        return u32("phandle", handle);
    }

    // ---------------------------------------------------------------- typed views

    /** A copy of the value (same as {@link #value()}). */
    public byte[] bytes() {
        return value.clone();
    }

    /** The value as exactly one 32-bit cell. */
    public int asU32() throws DeviceTreeException {
        if (value.length != 4) {
            throw wrongLength("one u32 cell (4 bytes)");
        }
        return Bytes.getU32(value, 0);
    }

    /** The value as 32-bit cells; the length must be a multiple of 4. */
    public int[] asU32Cells() throws DeviceTreeException {
        if (value.length % 4 != 0) {
            throw wrongLength("u32 cells (a multiple of 4 bytes)");
        }
        int[] cells = new int[value.length / 4];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = Bytes.getU32(value, i * 4);
        }
        return cells;
    }

    /** The value as a list of 32-bit cells. */
    public List<Integer> asU32List() throws DeviceTreeException {
        List<Integer> out = new ArrayList<>();
        for (int c : asU32Cells()) {
            out.add(c);
        }
        return List.copyOf(out);
    }

    /** The value as exactly one 64-bit value (two cells). */
    public long asU64() throws DeviceTreeException {
        if (value.length != 8) {
            throw wrongLength("one u64 value (8 bytes)");
        }
        return Bytes.getU64(value, 0);
    }

    /** The value as 64-bit values (pairs of cells); the length must be a multiple of 8. */
    public long[] asU64Cells() throws DeviceTreeException {
        if (value.length % 8 != 0) {
            throw wrongLength("u64 values (a multiple of 8 bytes)");
        }
        long[] out = new long[value.length / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = Bytes.getU64(value, i * 8);
        }
        return out;
    }

    /** The value as a list of 64-bit values. */
    public List<Long> asU64List() throws DeviceTreeException {
        List<Long> out = new ArrayList<>();
        for (long v : asU64Cells()) {
            out.add(v);
        }
        return List.copyOf(out);
    }

    /** The value as one NUL-terminated UTF-8 string without embedded NULs. */
    public String asString() throws DeviceTreeException {
        List<String> all = asStrings();
        if (all.size() != 1) {
            throw new DeviceTreeException(
                    "property " + Names.quote(name) + " holds " + all.size() + " strings, expected exactly one");
        }
        return all.get(0);
    }

    /** The value as a list of NUL-terminated UTF-8 strings (a string list). */
    public List<String> asStrings() throws DeviceTreeException {
        if (value.length == 0 || value[value.length - 1] != 0) {
            throw new DeviceTreeException(
                    "property " + Names.quote(name) + " is not a NUL-terminated string (length " + value.length + ")");
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == 0) {
                out.add(new String(value, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return List.copyOf(out);
    }

    /** The value as a phandle: one non-zero u32 cell other than 0xffffffff. */
    public int asPhandle() throws DeviceTreeException {
        int handle = asU32();
        if (handle == 0 || handle == -1) {
            throw new DeviceTreeException(
                    "property " + Names.quote(name) + " holds invalid phandle 0x" + Integer.toHexString(handle));
        }
        return handle;
    }

    private DeviceTreeException wrongLength(String expected) {
        return new DeviceTreeException(
                "property " + Names.quote(name) + " has length " + value.length + ", expected " + expected);
    }

    // ---------------------------------------------------------------- value semantics

    @Override
    public boolean equals(Object o) {
        return o instanceof Property p && name.equals(p.name) && Arrays.equals(value, p.value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + "=[" + HexFormat.ofDelimiter(" ").formatHex(value) + "]";
    }
}
