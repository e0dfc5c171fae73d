package dev.tfjvm.cty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class CtyNumberTest {

    @Test
    void equalityIsNumeric() {
        assertThat(CtyNumber.parse("1.0")).isEqualTo(CtyNumber.of(1)).hasSameHashCodeAs(CtyNumber.of(1));
        assertThat(CtyNumber.of(new BigDecimal("100"))).isEqualTo(CtyNumber.parse("1e2"));
        assertThat(CtyNumber.of(new BigDecimal("0.000"))).isEqualTo(CtyNumber.ZERO);
        assertThat(CtyNumber.of(-0.0)).isEqualTo(CtyNumber.ZERO);
        assertThat(CtyNumber.parse("0.1")).isNotEqualTo(CtyNumber.of(0.1)); // the double is not exactly 0.1
        assertThat(CtyNumber.of(1.5)).isEqualTo(CtyNumber.parse("1.5"));
        assertThat(CtyNumber.POSITIVE_INFINITY)
                .isEqualTo(CtyNumber.of(Double.POSITIVE_INFINITY))
                .isNotEqualTo(CtyNumber.NEGATIVE_INFINITY);
    }

    @Test
    void toStringIsPlainDecimal() {
        assertThat(CtyNumber.parse("1e3")).hasToString("1000");
        assertThat(CtyNumber.parse("1e-300").toString()).isEqualTo("0." + "0".repeat(299) + "1");
        assertThat(CtyNumber.parse("-2.500")).hasToString("-2.5");
        assertThat(CtyNumber.of(BigInteger.TWO.pow(200)))
                .hasToString("1606938044258990275541962092341162602522202993782792835301376");
        assertThat(CtyNumber.POSITIVE_INFINITY).hasToString("+Inf");
        assertThat(CtyNumber.NEGATIVE_INFINITY).hasToString("-Inf");
    }

    @Test
    void parseAcceptsDecimalsExponentsAndInfinities() {
        assertThat(CtyNumber.parse("+12")).isEqualTo(CtyNumber.of(12));
        assertThat(CtyNumber.parse(" 5 ")).isEqualTo(CtyNumber.of(5));
        assertThat(CtyNumber.parse("-Inf")).isEqualTo(CtyNumber.NEGATIVE_INFINITY);
        assertThat(CtyNumber.parse("infinity")).isEqualTo(CtyNumber.POSITIVE_INFINITY);
        for (String bad : new String[] {"", "abc", "1..2", "0x10", "NaN", "1e", "--1", "1 2"}) {
            assertThatThrownBy(() -> CtyNumber.parse(bad)).as(bad).isInstanceOf(NumberFormatException.class);
        }
    }

    @Test
    void sizeIsBoundedSoPlainTextStaysSmall() {
        assertThat(CtyNumber.parse("1e" + (CtyNumber.MAX_DIGITS - 1)).toString())
                .hasSize(CtyNumber.MAX_DIGITS);
        assertThatThrownBy(() -> CtyNumber.parse("1e" + CtyNumber.MAX_DIGITS))
                .isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> CtyNumber.parse("1e-" + CtyNumber.MAX_DIGITS))
                .isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> CtyNumber.parse("1e2147483648")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> CtyNumber.of(new BigDecimal(BigInteger.ONE, -50_000)))
                .isInstanceOf(ArithmeticException.class);
        // Many trailing zeros are stripped quickly and exactly.
        CtyNumber big = CtyNumber.parse("7" + "0".repeat(9000));
        assertThat(big.bigDecimalValue().unscaledValue()).isEqualTo(BigInteger.valueOf(7));
        assertThat(big).isEqualTo(CtyNumber.parse("7e9000"));
    }

    @Test
    void conversionsAndClassification() {
        assertThat(CtyNumber.of(42).longValueExact()).isEqualTo(42);
        assertThat(CtyNumber.parse("42.0").isIntegral()).isTrue();
        assertThat(CtyNumber.parse("42.5").isIntegral()).isFalse();
        assertThat(CtyNumber.POSITIVE_INFINITY.isIntegral()).isFalse();
        assertThat(CtyNumber.POSITIVE_INFINITY.isInfinite()).isTrue();
        assertThat(CtyNumber.of(Long.MIN_VALUE).fitsLong()).isTrue();
        assertThat(CtyNumber.parse("9223372036854775808").fitsLong()).isFalse();
        assertThat(CtyNumber.parse("0.5").isExactDouble()).isTrue();
        assertThat(CtyNumber.parse("0.1").isExactDouble()).isFalse();
        assertThat(CtyNumber.parse("1e400").isExactDouble()).isFalse();
        assertThatThrownBy(() -> CtyNumber.POSITIVE_INFINITY.bigDecimalValue()).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> CtyNumber.parse("1.5").longValueExact()).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> CtyNumber.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(CtyNumber.NEGATIVE_INFINITY).isLessThan(CtyNumber.parse("-1e9000"));
        assertThat(CtyNumber.parse("1e9000")).isLessThan(CtyNumber.POSITIVE_INFINITY);
        assertThat(CtyNumber.parse("0.1")).isGreaterThan(CtyNumber.parse("0.09999"));
    }
}
