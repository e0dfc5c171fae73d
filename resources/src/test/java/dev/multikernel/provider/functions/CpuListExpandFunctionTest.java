package dev.multikernel.provider.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.DescriptionKind;
import dev.tfjvm.spi.ProviderFunction.FunctionException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuListExpandFunctionTest {
    final CpuListExpandFunction f = new CpuListExpandFunction();

    CtyValue call(String text) throws FunctionException {
        return f.call(List.of(CtyValue.string(text)));
    }

    static CtyValue numbers(long... ns) {
        List<CtyValue> elements = new java.util.ArrayList<>();
        for (long n : ns) {
            elements.add(CtyValue.number(n));
        }
        return CtyValue.list(CtyType.NUMBER, elements);
    }

    @Test
    void signature() {
        assertThat(f.name()).isEqualTo("cpulist_expand");
        assertThat(f.parameters()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("cpulist");
            assertThat(p.type()).isEqualTo(CtyType.STRING);
            assertThat(p.allowNull()).isFalse();
            assertThat(p.allowUnknown()).isFalse();
        });
        assertThat(f.returnType()).isEqualTo(CtyType.list(CtyType.NUMBER));
        assertThat(f.description().kind()).isEqualTo(DescriptionKind.MARKDOWN);
        assertThat(f.description().text()).contains("cpulist_expand(\"4-7,10\") # [4, 5, 6, 7, 10]", "8191");
    }

    @Test
    void expands() throws Exception {
        assertThat(call("4-7,10")).isEqualTo(numbers(4, 5, 6, 7, 10));
        assertThat(call(" 10 , 0-1 ")).isEqualTo(numbers(0, 1, 10));
        assertThat(call("")).isEqualTo(numbers());
        assertThat(call("0-8191"))
                .isInstanceOfSatisfying(
                        CtyValue.ListVal.class, l -> assertThat(l.elements()).hasSize(8192));
    }

    @Test
    void aBadListNamesTheFirstArgumentAndTheItem() {
        assertThatThrownBy(() -> call("1,7-4")).isInstanceOfSatisfying(FunctionException.class, e -> {
            assertThat(e.getMessage())
                    .isEqualTo("\"7-4\" in \"1,7-4\": a range must go from low to high, such as \"4-7\"");
            assertThat(e.argument()).hasValue(0);
        });
    }
}
