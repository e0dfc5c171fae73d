package dev.multikernel.provider.values;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A non-negative number of bytes, such as the memory of an instance or of a pool chunk.
 *
 * <p>Syntax accepted by {@link #parse}:
 * <ul>
 *   <li>a number and an optional unit: {@code "1GiB"}, {@code "512MiB"}, {@code "1.5GiB"},
 *       {@code "4G"}, {@code "2GB"}, {@code "1073741824"}; white space around the number and the
 *       unit is ignored, letter case is not significant;</li>
 *   <li><b>every unit is a power of 1024</b>: {@code K}, {@code KB} and {@code KiB} all mean 1024
 *       bytes, and so on for M, G, T, P and E. That is what the kernel's {@code memparse} (the
 *       {@code mkkernel_pool=4G} boot parameter) and kerf's {@code --memory 2GB} mean, so a size
 *       copied from either means the same here. There is no decimal (1000-based) unit: write the
 *       byte count for one;</li>
 *   <li>a fraction is allowed when the result is a whole number of bytes ({@code "1.5GiB"}, not
 *       {@code "0.1KiB"});</li>
 *   <li>a plain byte count may also be hexadecimal, as device trees print it:
 *       {@code "0x40000000"} (no unit, no fraction);</li>
 *   <li>the largest size is {@link Long#MAX_VALUE} bytes (8 EiB minus one byte).</li>
 * </ul>
 *
 * <p>{@link #format} writes the largest binary unit that divides the size exactly:
 * {@code "1GiB"}, {@code "1536MiB"}, {@code "4097B"}. {@code parse(x.format()).equals(x)} always holds.
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
    public static final ByteSize ZERO = new ByteSize(0);
    /** The kernel's page size on the hosts we manage; memory sizes handed to it must be multiples of it. */
    public static final ByteSize PAGE = new ByteSize(4096);

    /** Units from largest to smallest, with the spellings each accepts (compared lower-cased). */
    private enum Unit {
        EIB("EiB", 60, "e", "eb", "eib"),
        PIB("PiB", 50, "p", "pb", "pib"),
        TIB("TiB", 40, "t", "tb", "tib"),
        GIB("GiB", 30, "g", "gb", "gib"),
        MIB("MiB", 20, "m", "mb", "mib"),
        KIB("KiB", 10, "k", "kb", "kib"),
        BYTE("B", 0, "", "b");

        final String symbol;
        final int shift;
        final List<String> spellings;

        Unit(String symbol, int shift, String... spellings) {
            this.symbol = symbol;
            this.shift = shift;
            this.spellings = List.of(spellings);
        }

        long factor() {
            return 1L << shift;
        }

        static Unit find(String text) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (Unit u : values()) {
                if (u.spellings.contains(lower)) {
                    return u;
                }
            }
            return null;
        }
    }

    /** Input longer than this is refused before any arithmetic: no valid size needs more. */
    private static final int MAX_TEXT = 64;

    static final String UNITS = "units (powers of 1024, any letter case): B, K/KB/KiB, M/MB/MiB, G/GB/GiB, "
            + "T/TB/TiB, P/PB/PiB, E/EB/EiB";
    private static final String HINT = "write a number and a unit, such as \"512MiB\", \"1.5GiB\" or \"4G\"; " + UNITS;

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize ofKiB(long n) {
        return new ByteSize(Math.multiplyExact(n, 1L << 10));
    }

    public static ByteSize ofMiB(long n) {
        return new ByteSize(Math.multiplyExact(n, 1L << 20));
    }

    public static ByteSize ofGiB(long n) {
        return new ByteSize(Math.multiplyExact(n, 1L << 30));
    }

    public static ByteSize ofTiB(long n) {
        return new ByteSize(Math.multiplyExact(n, 1L << 40));
    }

    /**
     * Parses a size such as {@code "1.5GiB"}, {@code "4G"} or {@code "1073741824"}.
     *
     * @throws InvalidValueException naming the text and listing the accepted units
     */
    public static ByteSize parse(String text) throws InvalidValueException {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        String q = InvalidValueException.quote(text);
        if (t.isEmpty()) {
            throw new InvalidValueException(text, "the size is empty; " + HINT);
        }
        if (t.length() > MAX_TEXT) {
            throw new InvalidValueException(text, q + " is too long to be a size; " + HINT);
        }
        if (t.startsWith("-")) {
            throw new InvalidValueException(text, q + ": a size cannot be negative; " + HINT);
        }
        if (t.length() > 1 && t.charAt(0) == '0' && (t.charAt(1) == 'x' || t.charAt(1) == 'X')) {
            return parseHex(text, t.substring(2));
        }
        int end = 0;
        while (end < t.length() && (t.charAt(end) >= '0' && t.charAt(end) <= '9' || t.charAt(end) == '.')) {
            end++;
        }
        String number = t.substring(0, end);
        String unitText = t.substring(end).strip();
        if (!number.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new InvalidValueException(text, q + " is not a size; " + HINT);
        }
        Unit unit = Unit.find(unitText);
        if (unit == null) {
            throw new InvalidValueException(
                    text, q + ": unknown unit " + InvalidValueException.quote(unitText) + "; " + UNITS);
        }
        BigDecimal exact = new BigDecimal(number).multiply(BigDecimal.valueOf(unit.factor()));
        if (exact.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new InvalidValueException(
                    text, q + " is too large; the largest size is " + Long.MAX_VALUE + " bytes (8EiB minus one byte)");
        }
        if (exact.stripTrailingZeros().scale() > 0) {
            throw new InvalidValueException(
                    text,
                    q + " is " + exact.stripTrailingZeros().toPlainString()
                            + " bytes, not a whole number of bytes; round it, or write it as a whole number of a smaller"
                            + " unit");
        }
        return new ByteSize(exact.longValueExact());
    }

    private static ByteSize parseHex(String text, String digits) throws InvalidValueException {
        String q = InvalidValueException.quote(text);
        if (!digits.matches("[0-9a-fA-F]+")) {
            throw new InvalidValueException(
                    text,
                    q + ": a hexadecimal size is a plain byte count without a unit," + " such as \"0x40000000\"; or "
                            + HINT);
        }
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 16 || Long.parseUnsignedLong(significant, 16) < 0) {
            throw new InvalidValueException(
                    text, q + " is too large; the largest size is 0x7fffffffffffffff bytes" + " (8EiB minus one byte)");
        }
        return new ByteSize(Long.parseLong(significant, 16));
    }

    /** The size in the largest binary unit that divides it exactly: {@code "1GiB"}, {@code "1536MiB"}, {@code "0B"}. */
    public String format() {
        if (bytes == 0) {
            return "0B";
        }
        for (Unit u : Unit.values()) {
            if (bytes % u.factor() == 0) {
                return (bytes >> u.shift) + u.symbol;
            }
        }
        throw new AssertionError("every size is a whole number of bytes");
    }

    /** True if this size is a whole multiple of {@code alignment} (which must not be zero). */
    public boolean isAligned(ByteSize alignment) {
        if (alignment.bytes == 0) {
            throw new IllegalArgumentException("alignment must not be zero");
        }
        return bytes % alignment.bytes == 0;
    }

    public boolean isPageAligned() {
        return isAligned(PAGE);
    }

    /** The number of 4 KiB pages needed to hold this size. */
    public long pagesRoundedUp() {
        return bytes / PAGE.bytes + (bytes % PAGE.bytes == 0 ? 0 : 1);
    }

    /** The smallest multiple of {@code alignment} not below this size. @throws ArithmeticException on overflow */
    public ByteSize alignUp(ByteSize alignment) {
        long down = alignDown(alignment).bytes;
        return down == bytes ? this : new ByteSize(Math.addExact(down, alignment.bytes));
    }

    /** The largest multiple of {@code alignment} not above this size. */
    public ByteSize alignDown(ByteSize alignment) {
        if (alignment.bytes == 0) {
            throw new IllegalArgumentException("alignment must not be zero");
        }
        return new ByteSize(bytes - bytes % alignment.bytes);
    }

    /** @throws ArithmeticException on overflow */
    public ByteSize plus(ByteSize other) {
        return new ByteSize(Math.addExact(bytes, other.bytes));
    }

    /** @throws ArithmeticException if {@code other} is larger than this size */
    public ByteSize minus(ByteSize other) {
        if (other.bytes > bytes) {
            throw new ArithmeticException(other.format() + " is larger than " + format());
        }
        return new ByteSize(bytes - other.bytes);
    }

    @Override
    public int compareTo(ByteSize other) {
        return Long.compare(bytes, other.bytes);
    }

    /** The canonical text, as {@link #format}. */
    @Override
    public String toString() {
        return format();
    }
}
