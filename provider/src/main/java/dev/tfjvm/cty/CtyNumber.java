package dev.tfjvm.cty;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * A cty number: an exact decimal of arbitrary size and precision, or positive/negative infinity
 * (go-cty numbers are big floats, which include the infinities but not NaN).
 *
 * <p>Numbers compare and hash by numeric value, so {@code 1.0} equals {@code 1}. To keep every
 * operation (notably {@link #toString()}, which never uses an exponent) bounded, a finite number's
 * plain decimal form may hold at most {@value #MAX_DIGITS} digits; larger or more precise numbers
 * are rejected with {@link ArithmeticException} (or {@link NumberFormatException} from
 * {@link #parse}).
 */
public final class CtyNumber implements Comparable<CtyNumber> {

    /** Upper bound on the digits of a finite number's plain decimal form. */
    public static final int MAX_DIGITS = 10_000;

    public static final CtyNumber POSITIVE_INFINITY = new CtyNumber(null, 1);
    public static final CtyNumber NEGATIVE_INFINITY = new CtyNumber(null, -1);
    public static final CtyNumber ZERO = new CtyNumber(BigDecimal.ZERO, 0);

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    /** Finite value with trailing zeros stripped (canonical, so equals/hashCode are numeric); null if infinite. */
    private final BigDecimal value;
    /** 0 if finite, else the sign of the infinity. */
    private final int infinity;

    private CtyNumber(BigDecimal value, int infinity) {
        this.value = value;
        this.infinity = infinity;
    }

    public static CtyNumber of(long n) {
        return n == 0 ? ZERO : new CtyNumber(strip(BigDecimal.valueOf(n)), 0);
    }

    public static CtyNumber of(BigInteger n) {
        return of(new BigDecimal(n));
    }

    /** @throws ArithmeticException if the number has more than {@value #MAX_DIGITS} digits in plain form */
    public static CtyNumber of(BigDecimal n) {
        checkDigits(n);
        BigDecimal stripped = strip(n);
        return stripped.signum() == 0 ? ZERO : new CtyNumber(stripped, 0);
    }

    /**
     * The exact value of a double (so {@code of(0.1)} is the binary value nearest 0.1, not the
     * decimal 0.1; use {@link #parse} or {@link #of(BigDecimal)} for decimal values). Infinities
     * map to {@link #POSITIVE_INFINITY}/{@link #NEGATIVE_INFINITY}.
     *
     * @throws IllegalArgumentException for NaN, which cty cannot represent
     */
    public static CtyNumber of(double d) {
        if (Double.isNaN(d)) {
            throw new IllegalArgumentException("NaN is not a valid cty number");
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
        }
        return of(new BigDecimal(d));
    }

    /**
     * Parses decimal text, with optional sign, fraction and exponent ({@code "-12.5e3"}), or an
     * infinity ({@code "+Inf"}, {@code "-Inf"}, {@code "Infinity"}, case-insensitive).
     *
     * @throws NumberFormatException if the text is not a number or the number is too large
     */
    public static CtyNumber parse(String text) {
        String t = text.strip();
        switch (t.toLowerCase(Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity":
                return POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return NEGATIVE_INFINITY;
            default:
                break;
        }
        // Parsing cost grows faster than linearly with length: refuse absurd input early.
        if (t.length() > MAX_DIGITS + 32) {
            throw new NumberFormatException("number text is too long (" + t.length() + " characters)");
        }
        if (t.isEmpty() || !looksNumeric(t)) {
            throw new NumberFormatException("not a number: \"" + abbreviate(t) + "\"");
        }
        BigDecimal parsed;
        try {
            parsed = new BigDecimal(t);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new NumberFormatException("not a number: \"" + abbreviate(t) + "\"");
        }
        try {
            return of(parsed);
        } catch (ArithmeticException e) {
            throw new NumberFormatException(e.getMessage());
        }
    }

    public boolean isInfinite() {
        return infinity != 0;
    }

    /** -1, 0 or 1. */
    public int signum() {
        return infinity != 0 ? infinity : value.signum();
    }

    /** The exact value. @throws ArithmeticException if infinite */
    public BigDecimal bigDecimalValue() {
        if (infinity != 0) {
            throw new ArithmeticException("infinite number has no decimal value");
        }
        return value;
    }

    /** @throws ArithmeticException if infinite, not integral or outside the long range */
    public long longValueExact() {
        if (infinity != 0) {
            throw new ArithmeticException("infinite number is not a long");
        }
        return value.longValueExact();
    }

    /** @throws ArithmeticException if infinite or not integral */
    public BigInteger bigIntegerValueExact() {
        if (infinity != 0) {
            throw new ArithmeticException("infinite number is not an integer");
        }
        return value.toBigIntegerExact();
    }

    /** The nearest double (infinities map to the double infinities). */
    public double doubleValue() {
        if (infinity != 0) {
            return infinity > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        return value.doubleValue();
    }

    /** True for finite whole numbers. */
    public boolean isIntegral() {
        return infinity == 0 && value.scale() <= 0;
    }

    /** True for whole numbers in the range of a Java long (msgpack int encoding). */
    public boolean fitsLong() {
        return isIntegral() && value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0;
    }

    /** True if this number is finite and exactly equal to some double. */
    public boolean isExactDouble() {
        if (infinity != 0) {
            return false;
        }
        double d = value.doubleValue();
        return !Double.isInfinite(d) && new BigDecimal(d).compareTo(value) == 0;
    }

    @Override
    public int compareTo(CtyNumber other) {
        if (infinity != 0 || other.infinity != 0) {
            return Integer.compare(infinity, other.infinity);
        }
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CtyNumber n && infinity == n.infinity && (infinity != 0 || value.equals(n.value));
    }

    @Override
    public int hashCode() {
        return infinity != 0 ? infinity * 0x5bd1e995 : value.hashCode();
    }

    /** Plain decimal text without exponent ({@code "1000"}, {@code "0.001"}); {@code "+Inf"} / {@code "-Inf"}. */
    @Override
    public String toString() {
        if (infinity != 0) {
            return infinity > 0 ? "+Inf" : "-Inf";
        }
        return value.toPlainString();
    }

    private static void checkDigits(BigDecimal n) {
        if (n.signum() == 0) {
            return;
        }
        long precision = n.precision();
        long scale = n.scale();
        long digits = scale <= 0 ? precision - scale : Math.max(precision - scale, 1) + scale;
        if (digits > MAX_DIGITS) {
            throw new ArithmeticException("number too large or too precise: its decimal form would have " + digits
                    + " digits (at most " + MAX_DIGITS + " supported)");
        }
    }

    /** Removes trailing decimal zeros in near-linear time (BigDecimal.stripTrailingZeros divides one digit at a time). */
    private static BigDecimal strip(BigDecimal d) {
        if (d.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigInteger unscaled = d.unscaledValue();
        if (unscaled.testBit(0)) {
            return d;
        }
        if (unscaled.bitLength() < 63) {
            long u = unscaled.longValueExact();
            int scale = d.scale();
            while (u % 10 == 0) {
                u /= 10;
                scale--;
            }
            return BigDecimal.valueOf(u, scale);
        }
        String digits = unscaled.abs().toString();
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        if (end == digits.length()) {
            return d;
        }
        BigInteger stripped = new BigInteger(digits.substring(0, end));
        return new BigDecimal(
                unscaled.signum() < 0 ? stripped.negate() : stripped, d.scale() - (digits.length() - end));
    }

    private static boolean looksNumeric(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
