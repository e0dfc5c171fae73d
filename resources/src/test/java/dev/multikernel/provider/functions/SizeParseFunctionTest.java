package dev.multikernel.provider.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.spi.ProviderFunction.FunctionException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SizeParseFunctionTest {
    final SizeParseFunction f = new SizeParseFunction();

    CtyValue call(String text) throws FunctionException {
        return f.call(List.of(CtyValue.string(text)));
    }

    @Test
    void signature() {
        assertThat(f.name()).isEqualTo("size_parse");
        assertThat(f.parameters()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("size");
            assertThat(p.type()).isEqualTo(CtyType.STRING);
        });
        assertThat(f.returnType()).isEqualTo(CtyType.NUMBER);
        assertThat(f.description().text()).contains("size_parse(\"1.5GiB\") # 1610612736", "power of 1024");
    }

    @Test
    void parses() throws Exception {
        assertThat(call("1GiB")).isEqualTo(CtyValue.number(1L << 30));
        assertThat(call("1.5GiB")).isEqualTo(CtyValue.number(1610612736L));
        assertThat(call("512M")).isEqualTo(CtyValue.number(536870912L));
        assertThat(call("2GB")).isEqualTo(CtyValue.number(2L << 30));
        assertThat(call("0x40000000")).isEqualTo(CtyValue.number(1L << 30));
        assertThat(call("9223372036854775807")).isEqualTo(CtyValue.number(Long.MAX_VALUE));
    }

    @Test
    void aBadSizeNamesTheTextAndTheUnits() {
        assertThatThrownBy(() -> call("4X")).isInstanceOfSatisfying(FunctionException.class, e -> {
            assertThat(e.getMessage())
                    .isEqualTo("\"4X\": unknown unit \"X\"; units (powers of 1024, any letter case):"
                            + " B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB, P/PB/PiB, E/EB/EiB");
            assertThat(e.argument()).hasValue(0);
        });
    }
}
