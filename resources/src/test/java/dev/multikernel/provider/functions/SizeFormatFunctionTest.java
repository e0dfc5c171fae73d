package dev.multikernel.provider.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.spi.ProviderFunction.FunctionException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SizeFormatFunctionTest {
    final SizeFormatFunction f = new SizeFormatFunction();

    CtyValue call(CtyValue n) throws FunctionException {
        return f.call(List.of(n));
    }

    @Test
    void signature() {
        assertThat(f.name()).isEqualTo("size_format");
        assertThat(f.parameters()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("bytes");
            assertThat(p.type()).isEqualTo(CtyType.NUMBER);
        });
        assertThat(f.returnType()).isEqualTo(CtyType.STRING);
        assertThat(f.description().text()).contains("size_format(1610612736) # \"1536MiB\"");
    }

    @Test
    void formats() throws Exception {
        assertThat(call(CtyValue.number(1L << 30))).isEqualTo(CtyValue.string("1GiB"));
        assertThat(call(CtyValue.number(1610612736L))).isEqualTo(CtyValue.string("1536MiB"));
        assertThat(call(CtyValue.number(4097))).isEqualTo(CtyValue.string("4097B"));
        assertThat(call(CtyValue.number(0))).isEqualTo(CtyValue.string("0B"));
        assertThat(call(CtyValue.number(new BigDecimal("2048.00")))).isEqualTo(CtyValue.string("2KiB"));
        assertThat(call(CtyValue.number(Long.MAX_VALUE))).isEqualTo(CtyValue.string("9223372036854775807B"));
    }

    @Test
    void badNumbersAreExplained() {
        assertRejected(
                CtyValue.number(-1),
                "-1 is negative; a size is a whole number of bytes from 0 to" + " 9223372036854775807");
        assertRejected(
                CtyValue.number(new BigDecimal("1.5")),
                "1.5 is not a whole number of bytes; round it first," + " for example with floor()");
        assertRejected(
                CtyValue.number(new BigDecimal("9223372036854775808")),
                "9223372036854775808 is too large;"
                        + " the largest size is 9223372036854775807 bytes (8EiB minus one byte)");
        assertRejected(
                CtyValue.number(CtyNumber.POSITIVE_INFINITY),
                "+Inf is too large; the largest size is" + " 9223372036854775807 bytes (8EiB minus one byte)");
        assertRejected(
                CtyValue.number(CtyNumber.NEGATIVE_INFINITY),
                "-Inf is negative; a size is a whole number" + " of bytes from 0 to 9223372036854775807");
    }

    @Test
    void inverseOfSizeParse() throws Exception {
        SizeParseFunction parse = new SizeParseFunction();
        Random random = new Random(17);
        for (int round = 0; round < 2000; round++) {
            long bytes = (random.nextLong() & Long.MAX_VALUE) >>> random.nextInt(63);
            CtyValue n = CtyValue.number(bytes);
            assertThat(parse.call(List.of(call(n)))).isEqualTo(n);
        }
    }

    private void assertRejected(CtyValue n, String message) {
        assertThatThrownBy(() -> call(n)).isInstanceOfSatisfying(FunctionException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.argument()).hasValue(0);
        });
    }
}
