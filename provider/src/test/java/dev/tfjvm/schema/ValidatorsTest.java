package dev.tfjvm.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Diagnostics;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidatorsTest {
    private static final CtyPath COUNT = CtyPath.ROOT.attr("cpu_count");

    private static List<Diagnostic> check(Validator v, CtyPath path, CtyValue value) {
        Diagnostics d = new Diagnostics();
        v.validate(path, value, d);
        return d.all();
    }

    private static CtyValue num(String text) {
        return CtyValue.number(CtyNumber.parse(text));
    }

    @Test
    void aFractionIsNotAWholeNumberAndTheMessageSaysTheRange() {
        assertThat(check(Validators.wholeNumberBetween(1, 8192), COUNT, num("1.5")))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.isError()).isTrue();
                    assertThat(d.path()).contains(COUNT);
                    assertThat(d.summary()).isEqualTo("Invalid value for cpu_count");
                    assertThat(d.detail())
                            .isEqualTo(
                                    "1.5 is not a whole number: cpu_count must be a whole number between 1 and 8192.");
                });
    }

    @Test
    void outOfRangeSaysTheRange() {
        assertThat(check(Validators.wholeNumberBetween(1, 8192), COUNT, num("0")))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.summary()).isEqualTo("Value out of range for cpu_count");
                    assertThat(d.detail())
                            .isEqualTo("0 is out of range: cpu_count must be a whole number between 1 and 8192.");
                });
    }

    @Test
    void wholeNumbersInRangePassWhateverTheirSpelling() {
        Validator v = Validators.wholeNumberBetween(1, 8192);
        assertThat(check(v, COUNT, num("1"))).isEmpty();
        assertThat(check(v, COUNT, num("8192"))).isEmpty();
        assertThat(check(v, COUNT, CtyValue.number(CtyNumber.of(new BigDecimal("4.000")))))
                .isEmpty();
        assertThat(check(v, COUNT, num("4e1"))).isEmpty();
        assertThat(check(Validators.wholeNumber(), COUNT, num("-12345678901234567890123")))
                .isEmpty();
    }

    @Test
    void infinitiesAndHugeNumbersAreErrorsWithAShortMessage() {
        Validator v = Validators.wholeNumberBetween(0, 1023);
        assertThat(check(v, COUNT, CtyValue.number(CtyNumber.POSITIVE_INFINITY)))
                .singleElement()
                .satisfies(d -> assertThat(d.detail())
                        .isEqualTo("+Inf is not a whole number: cpu_count must be a whole number between 0 and 1023."));
        assertThat(check(Validators.wholeNumber(), COUNT, CtyValue.number(CtyNumber.NEGATIVE_INFINITY)))
                .singleElement()
                .satisfies(d -> assertThat(d.detail())
                        .isEqualTo("-Inf is not a whole number: cpu_count must be a whole number."));
        String huge = "9".repeat(5000);
        assertThat(check(v, COUNT, num(huge)))
                .singleElement()
                .satisfies(d -> assertThat(d.detail())
                        .isEqualTo("99999999999999999999… (a number of 5000 characters) is out of range: cpu_count"
                                + " must be a whole number between 0 and 1023."));
        assertThat(check(v, COUNT, num("0." + "0".repeat(3000) + "1")))
                .singleElement()
                .satisfies(
                        d -> assertThat(d.detail()).startsWith("0.000000000000000000… (a number of 3003 characters)"));
    }

    @Test
    void eachElementOfACollectionOfNumbersIsChecked() {
        CtyPath ids = CtyPath.ROOT.attr("cpu_ids");
        CtyValue list = CtyValue.list(
                CtyType.NUMBER,
                List.of(num("1"), num("2.5"), CtyValue.unknown(CtyType.NUMBER), CtyValue.nullOf(CtyType.NUMBER)));
        assertThat(check(Validators.wholeNumber(), ids, list)).singleElement().satisfies(d -> {
            assertThat(d.path()).contains(ids.index(1));
            assertThat(d.detail()).isEqualTo("2.5 is not a whole number: cpu_ids[1] must be a whole number.");
        });
        CtyValue map = CtyValue.map(CtyType.NUMBER, Map.of("a", num("7")));
        assertThat(check(Validators.wholeNumberBetween(0, 5), ids, map))
                .singleElement()
                .satisfies(d -> assertThat(d.path()).contains(ids.key("a")));
        assertThat(check(Validators.wholeNumber(), ids, CtyValue.set(CtyType.NUMBER, List.of(num("0.5")))))
                .hasSize(1);
    }

    @Test
    void theyAcceptNumbersAndCollectionsOfNumbersOnly() {
        for (Validator v : List.of(Validators.wholeNumber(), Validators.wholeNumberBetween(0, 1))) {
            assertThat(v.accepts(CtyType.NUMBER)).isTrue();
            assertThat(v.accepts(CtyType.list(CtyType.NUMBER))).isTrue();
            assertThat(v.accepts(CtyType.set(CtyType.NUMBER))).isTrue();
            assertThat(v.accepts(CtyType.map(CtyType.NUMBER))).isTrue();
            assertThat(v.accepts(CtyType.STRING)).isFalse();
            assertThat(v.accepts(CtyType.list(CtyType.STRING))).isFalse();
            assertThat(v.accepts(CtyType.list(CtyType.list(CtyType.NUMBER)))).isFalse();
            assertThat(v.accepts(CtyType.DYNAMIC)).isFalse();
        }
        assertThat(Validators.wholeNumber().describe()).isEqualTo("A whole number.");
        assertThat(Validators.wholeNumberBetween(1, 10).describe()).isEqualTo("A whole number between 1 and 10.");
        assertThatThrownBy(() -> Validators.wholeNumberBetween(2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onAStringAttributeItIsASchemaProblemAtStartUp() {
        assertThat(SchemaRules.problems(
                        "t",
                        Schema.of(Block.builder()
                                .attribute(Attribute.string("port")
                                        .optional()
                                        .validators(Validators.wholeNumberBetween(1, 65535)))
                                .build())))
                .singleElement()
                .asString()
                .contains("t.port")
                .contains("A whole number between 1 and 65535")
                .contains("string");
    }

    @Test
    void betweenStillAcceptsFractions() {
        assertThat(check(Validators.between(0, 1), COUNT, num("0.5"))).isEmpty();
    }
}
