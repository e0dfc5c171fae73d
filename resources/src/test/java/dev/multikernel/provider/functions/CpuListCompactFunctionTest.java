package dev.multikernel.provider.functions;

import static dev.multikernel.provider.functions.CpuListExpandFunctionTest.numbers;
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

class CpuListCompactFunctionTest {
    final CpuListCompactFunction f = new CpuListCompactFunction();

    CtyValue call(CtyValue list) throws FunctionException {
        return f.call(List.of(list));
    }

    CtyValue call(List<CtyValue> elements) throws FunctionException {
        return call(CtyValue.list(CtyType.NUMBER, elements));
    }

    @Test
    void signature() {
        assertThat(f.name()).isEqualTo("cpulist_compact");
        assertThat(f.parameters()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("cpus");
            assertThat(p.type()).isEqualTo(CtyType.list(CtyType.NUMBER));
        });
        assertThat(f.returnType()).isEqualTo(CtyType.STRING);
        assertThat(f.description().text()).contains("cpulist_compact([10, 4, 5, 6, 7]) # \"4-7,10\"");
    }

    @Test
    void compacts() throws Exception {
        assertThat(call(numbers(10, 4, 5, 6, 7))).isEqualTo(CtyValue.string("4-7,10"));
        assertThat(call(numbers(3, 1, 2, 2))).isEqualTo(CtyValue.string("1-3"));
        assertThat(call(numbers())).isEqualTo(CtyValue.string(""));
        assertThat(call(numbers(0, 8191))).isEqualTo(CtyValue.string("0,8191"));
        assertThat(call(List.of(CtyValue.number(new BigDecimal("4.000"))))).isEqualTo(CtyValue.string("4"));
    }

    @Test
    void badElementsAreNamedByIndex() {
        assertRejected(
                List.of(CtyValue.number(1), CtyValue.number(8192)),
                "element 1 is 8192; CPU ids are whole numbers from 0 to 8191");
        assertRejected(List.of(CtyValue.number(-1)), "element 0 is -1; CPU ids are whole numbers from 0 to 8191");
        assertRejected(
                List.of(CtyValue.number(1), CtyValue.number(2), CtyValue.number(new BigDecimal("4.5"))),
                "element 2 is 4.5, not a whole number; CPU ids are whole numbers from 0 to 8191");
        assertRejected(
                List.of(CtyValue.nullOf(CtyType.NUMBER)),
                "element 0 is null; CPU ids are whole numbers from 0 to 8191");
        assertRejected(
                List.of(CtyValue.number(CtyNumber.POSITIVE_INFINITY)),
                "element 0 is +Inf; CPU ids are whole numbers from 0 to 8191");
        assertRejected(
                List.of(CtyValue.number(new BigDecimal("1e60"))),
                "element 0 is 1" + "0".repeat(38) + "… (61 characters); CPU ids are whole numbers from 0 to 8191");
    }

    @Test
    void unknownElementsGiveAnUnknownResult() throws Exception {
        assertThat(call(List.of(CtyValue.number(1), CtyValue.unknown(CtyType.NUMBER))))
                .isEqualTo(CtyValue.unknown(CtyType.STRING));
    }

    @Test
    void inverseOfExpandOnRandomSets() throws Exception {
        CpuListExpandFunction expand = new CpuListExpandFunction();
        Random random = new Random(5);
        for (int round = 0; round < 500; round++) {
            long[] ids = random.longs(random.nextInt(40), 0, 200).toArray();
            CtyValue text = call(numbers(ids));
            CtyValue expanded = expand.call(List.of(text));
            assertThat(call(expanded)).isEqualTo(text);
            assertThat(((CtyValue.ListVal) expanded).elements())
                    .containsExactlyElementsOf(java.util.Arrays.stream(ids)
                            .distinct()
                            .sorted()
                            .mapToObj(CtyValue::number)
                            .map(CtyValue.class::cast)
                            .toList());
        }
    }

    private void assertRejected(List<CtyValue> elements, String message) {
        assertThatThrownBy(() -> call(elements)).isInstanceOfSatisfying(FunctionException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.argument()).hasValue(0);
        });
    }
}
