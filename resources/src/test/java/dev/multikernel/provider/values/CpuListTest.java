package dev.multikernel.provider.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CpuListTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("0", "0", List.of(0)),
                Arguments.of("4-7,10", "4-7,10", List.of(4, 5, 6, 7, 10)),
                Arguments.of("10,4-7", "4-7,10", List.of(4, 5, 6, 7, 10)),
                Arguments.of("1,2,3", "1-3", List.of(1, 2, 3)),
                Arguments.of("1,2", "1-2", List.of(1, 2)),
                Arguments.of("3-3", "3", List.of(3)),
                Arguments.of("0-1,2-3", "0-3", List.of(0, 1, 2, 3)),
                Arguments.of(" 4 - 7 , 10 ", "4-7,10", List.of(4, 5, 6, 7, 10)),
                Arguments.of("0-3\n", "0-3", List.of(0, 1, 2, 3)),
                Arguments.of("\t5,\t9", "5,9", List.of(5, 9)),
                Arguments.of("007", "7", List.of(7)),
                Arguments.of("00000000000000000000000008", "8", List.of(8)),
                Arguments.of("8191", "8191", List.of(8191)),
                Arguments.of("8190-8191,0", "0,8190-8191", List.of(0, 8190, 8191)),
                Arguments.of("", "", List.of()),
                Arguments.of("  \n", "", List.of()));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesToTheCanonicalForm(String text, String canonical, List<Integer> ids) throws Exception {
        CpuList cpus = CpuList.parse(text);
        assertThat(cpus.format()).isEqualTo(canonical);
        assertThat(cpus.toString()).isEqualTo(canonical);
        assertThat(cpus.expand()).isEqualTo(ids);
        assertThat(cpus.size()).isEqualTo(ids.size());
        assertThat(CpuList.parse(canonical)).isEqualTo(cpus);
    }

    @Test
    void theWholeRangeIsOneRange() throws Exception {
        CpuList all = CpuList.parse("0-8191");
        assertThat(all.size()).isEqualTo(8192);
        assertThat(all.ranges()).containsExactly(new CpuList.Range(0, 8191));
        assertThat(all.expand()).hasSize(8192).startsWith(0, 1).endsWith(8191);
    }

    static Stream<Arguments> invalid() {
        String hint = "write CPU ids and ranges separated by commas, such as \"4-7,10\"";
        return Stream.of(
                Arguments.of("1,7-4", "\"7-4\" in \"1,7-4\": a range must go from low to high, such as \"4-7\""),
                Arguments.of("7-4", "\"7-4\": a range must go from low to high, such as \"4-7\""),
                Arguments.of("4,,5", "\"4,,5\" has two commas in a row; " + hint),
                Arguments.of(",4", "\",4\" starts with a comma; " + hint),
                Arguments.of("4,", "\"4,\" ends with a comma; " + hint),
                Arguments.of("4, ,5", "\"4, ,5\" has two commas in a row; " + hint),
                Arguments.of(",", "\",\" starts with a comma; " + hint),
                Arguments.of("-1", "\"-1\": a CPU id is a number from 0 to 8191 without a sign; " + hint),
                Arguments.of("2,-1", "\"-1\" in \"2,-1\": a CPU id is a number from 0 to 8191 without a sign; " + hint),
                Arguments.of("+3", "\"+3\": a CPU id is a number from 0 to 8191 without a sign; " + hint),
                Arguments.of(
                        "4--7",
                        "\"4--7\": a CPU id is a number from 0 to 8191 without a sign;"
                                + " a range looks like \"4-7\""),
                Arguments.of("4-", "\"4-\": a range needs both ends, such as \"4-7\""),
                Arguments.of("1,4 -", "\"4 -\" in \"1,4 -\": a range needs both ends, such as \"4-7\""),
                Arguments.of("a", "\"a\": not a CPU id; " + hint),
                Arguments.of("1,cpu2", "\"cpu2\" in \"1,cpu2\": not a CPU id; " + hint),
                Arguments.of("1 0", "\"1 0\": not a CPU id; " + hint),
                Arguments.of("0x4", "\"0x4\": not a CPU id; " + hint),
                Arguments.of("4.0", "\"4.0\": not a CPU id; " + hint),
                Arguments.of("١", "\"١\": not a CPU id; " + hint),
                Arguments.of("a-7", "\"a-7\": \"a\" is not a CPU id; " + hint),
                Arguments.of("3-x", "\"3-x\": \"x\" is not a CPU id; " + hint),
                Arguments.of("1-2-3", "\"1-2-3\": \"2-3\" is not a CPU id; " + hint),
                Arguments.of("-", "\"-\": a CPU id is a number from 0 to 8191 without a sign; " + hint),
                Arguments.of(" -4", "\"-4\": a CPU id is a number from 0 to 8191 without a sign; " + hint),
                Arguments.of("8192", "\"8192\": CPU ids go from 0 to 8191"),
                Arguments.of("0-9000", "\"0-9000\": \"9000\" is too large; CPU ids go from 0 to 8191"),
                Arguments.of("99999999999999999999", "\"99999999999999999999\": CPU ids go from 0 to 8191"),
                Arguments.of("4-7,6", "\"6\" in \"4-7,6\": CPU 6 is already listed in \"4-7\"; list each CPU once"),
                Arguments.of("1,1", "\"1\" in \"1,1\": CPU 1 is already listed in \"1\"; list each CPU once"),
                Arguments.of(
                        "10, 0-3, 2-12",
                        "\"2-12\" in \"10, 0-3, 2-12\": CPU 2 is already listed in \"0-3\";" + " list each CPU once"),
                Arguments.of(
                        "0-7:2/4",
                        "\"0-7:2/4\": stride groups such as \"0-7:2/4\" are not supported;"
                                + " list the CPUs instead, such as \"0-1,4-5\""),
                Arguments.of(
                        "0-7/2",
                        "\"0-7/2\": stride groups such as \"0-7:2/4\" are not supported;"
                                + " list the CPUs instead, such as \"0-1,4-5\""),
                Arguments.of("1,\"2\"", "\"\\\"2\\\"\" in \"1,\\\"2\\\"\": not a CPU id; " + hint));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsWithAMessageNamingTheItem(String text, String message) {
        assertThatThrownBy(() -> CpuList.parse(text)).isInstanceOfSatisfying(InvalidValueException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.input()).isEqualTo(text);
        });
    }

    @Test
    void messagesQuoteLongInputShortened() {
        String text = "0-3," + "x".repeat(200);
        assertThatThrownBy(() -> CpuList.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("\"" + "x".repeat(63) + "…\" in \"0-3," + "x".repeat(59) + "…\": not a CPU id");
    }

    @Test
    void messagesEscapeControlCharacters() {
        assertThatThrownBy(() -> CpuList.parse("1,\u0001")).hasMessageStartingWith("\"\\u0001\" in \"1,\\u0001\"");
    }

    @Test
    void hugeInputFailsFastOnTheFirstRepeat() {
        // 2 MB of "1," stops at the second item; a huge valid-looking input is bounded by MAX_ID.
        String text = "1,".repeat(1_000_000) + "1";
        assertThatThrownBy(() -> CpuList.parse(text)).hasMessageContaining("CPU 1 is already listed");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= CpuList.MAX_ID; i++) {
            many.append(i == 0 ? "" : ",").append(i);
        }
        assertThat(catchingParse(many.toString()).format()).isEqualTo("0-8191");
        assertThatThrownBy(() -> CpuList.parse(many + ",8192"))
                .hasMessage("\"8192\" in \"" + many.substring(0, 63) + "…\": CPU ids go from 0 to 8191");
    }

    @Test
    void rangesAreMaximalRuns() throws Exception {
        assertThat(CpuList.parse("0-2,3,5,7-9").ranges())
                .containsExactly(new CpuList.Range(0, 3), new CpuList.Range(5, 5), new CpuList.Range(7, 9));
        assertThat(new CpuList.Range(7, 9).size()).isEqualTo(3);
        assertThat(new CpuList.Range(5, 5).format()).isEqualTo("5");
        assertThat(CpuList.EMPTY.ranges()).isEmpty();
    }

    @Test
    void setOperations() throws Exception {
        CpuList a = CpuList.parse("0-7");
        CpuList b = CpuList.parse("4-11");
        assertThat(a.union(b).format()).isEqualTo("0-11");
        assertThat(a.intersection(b).format()).isEqualTo("4-7");
        assertThat(a.minus(b).format()).isEqualTo("0-3");
        assertThat(b.minus(a).format()).isEqualTo("8-11");
        assertThat(a.contains(7)).isTrue();
        assertThat(a.contains(8)).isFalse();
        assertThat(a.contains(-1)).isFalse();
        assertThat(a.containsAll(CpuList.parse("1,3-5"))).isTrue();
        assertThat(a.containsAll(b)).isFalse();
        assertThat(a.containsAll(CpuList.EMPTY)).isTrue();
        assertThat(a.intersects(b)).isTrue();
        assertThat(a.intersects(CpuList.parse("8-9"))).isFalse();
        assertThat(a.first()).hasValue(0);
        assertThat(b.last()).hasValue(11);
        assertThat(CpuList.EMPTY.first()).isEmpty();
        assertThat(CpuList.EMPTY.last()).isEmpty();
        assertThat(CpuList.EMPTY.isEmpty()).isTrue();
        assertThat(a.isEmpty()).isFalse();
        // operands are unchanged: values are immutable
        assertThat(a.format()).isEqualTo("0-7");
        assertThat(b.format()).isEqualTo("4-11");
    }

    @Test
    void expandIsUnmodifiableAndDetached() throws Exception {
        CpuList cpus = CpuList.parse("1-3");
        List<Integer> ids = cpus.expand();
        assertThatThrownBy(() -> ids.add(4)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(cpus.ranges()).isUnmodifiable();
        assertThat(cpus).containsExactly(1, 2, 3);
        assertThat(cpus.stream().sum()).isEqualTo(6);
    }

    @Test
    void factories() {
        assertThat(CpuList.of(10, 4, 5, 6, 7, 7).format()).isEqualTo("4-7,10");
        assertThat(CpuList.of(List.of(3, 1, 2)).format()).isEqualTo("1-3");
        assertThat(CpuList.of()).isEqualTo(CpuList.EMPTY);
        assertThat(CpuList.range(2, 5).format()).isEqualTo("2-5");
        assertThatThrownBy(() -> CpuList.of(8192))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CPU id 8192 is outside 0-8191");
        assertThatThrownBy(() -> CpuList.of(List.of(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CpuList.range(5, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CpuList.Range(-1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CpuList.Range(0, 8192)).isInstanceOf(IllegalArgumentException.class);
        assertThat(CpuList.isValidId(0)).isTrue();
        assertThat(CpuList.isValidId(8191)).isTrue();
        assertThat(CpuList.isValidId(8192)).isFalse();
        assertThat(CpuList.isValidId(-1)).isFalse();
        assertThat(CpuList.isValidId(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void equalityIsBySet() throws Exception {
        assertThat(CpuList.parse("4-7,10"))
                .isEqualTo(CpuList.parse("10, 7, 6, 5, 4"))
                .hasSameHashCodeAs(CpuList.parse("10,4-7"))
                .isNotEqualTo(CpuList.parse("4-7"))
                .isNotEqualTo("4-7,10");
    }

    // ------------------------------------------------------------ properties with fixed seeds

    @Test
    void formatThenParseGivesTheSameSet() throws Exception {
        Random random = new Random(20251019);
        for (int round = 0; round < 2000; round++) {
            CpuList cpus = randomSet(random);
            CpuList back = CpuList.parse(cpus.format());
            assertThat(back).as("round %d: %s", round, cpus).isEqualTo(cpus);
            assertThat(back.format()).isEqualTo(cpus.format());
        }
    }

    @Test
    void anyWayOfWritingASetParsesToIt() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            CpuList cpus = randomSet(random);
            // split the maximal runs into smaller pieces, shuffle them, and pad them with blanks
            List<String> items = new ArrayList<>();
            for (CpuList.Range r : cpus.ranges()) {
                int start = r.first();
                while (start <= r.last()) {
                    int end = Math.min(r.last(), start + random.nextInt(4));
                    items.add(
                            start == end && random.nextBoolean()
                                    ? pad(random, start)
                                    : pad(random, start) + "-" + pad(random, end));
                    start = end + 1;
                }
            }
            Collections.shuffle(items, random);
            String text = String.join(",", items);
            assertThat(CpuList.parse(text)).as("round %d: %s", round, text).isEqualTo(cpus);
        }
    }

    @Test
    void setOperationsAgreeWithSortedSets() {
        Random random = new Random(7);
        for (int round = 0; round < 1000; round++) {
            CpuList a = randomSet(random);
            CpuList b = randomSet(random);
            TreeSet<Integer> sa = new TreeSet<>(a.expand());
            TreeSet<Integer> sb = new TreeSet<>(b.expand());
            TreeSet<Integer> union = new TreeSet<>(sa);
            union.addAll(sb);
            TreeSet<Integer> inter = new TreeSet<>(sa);
            inter.retainAll(sb);
            TreeSet<Integer> minus = new TreeSet<>(sa);
            minus.removeAll(sb);
            assertThat(a.union(b).expand()).isEqualTo(List.copyOf(union));
            assertThat(a.intersection(b).expand()).isEqualTo(List.copyOf(inter));
            assertThat(a.minus(b).expand()).isEqualTo(List.copyOf(minus));
            assertThat(a.containsAll(b)).isEqualTo(sa.containsAll(sb));
            assertThat(a.intersects(b)).isEqualTo(!inter.isEmpty());
            assertThat(a.size()).isEqualTo(sa.size());
        }
    }

    @Test
    void randomTextNeverEscapesAsAnUncheckedException() {
        Random random = new Random(99);
        String alphabet = "0123456789,-  :/x+\n";
        for (int round = 0; round < 20000; round++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = b.toString();
            try {
                CpuList cpus = CpuList.parse(text);
                assertThat(CpuList.parse(cpus.format())).isEqualTo(cpus);
            } catch (InvalidValueException e) {
                assertThat(e.getMessage()).as(text).startsWith("\"").isNotBlank();
            }
        }
    }

    private static String pad(Random random, int id) {
        String[] blanks = {"", "", "", " ", "\t", "  "};
        return blanks[random.nextInt(blanks.length)] + id + blanks[random.nextInt(blanks.length)];
    }

    /** A random set: sometimes empty, sometimes dense runs, sometimes sparse, sometimes near MAX_ID. */
    private static CpuList randomSet(Random random) {
        BitSet bits = new BitSet();
        int kind = random.nextInt(4);
        int count = random.nextInt(kind == 0 ? 3 : 60);
        int bound = kind == 3 ? CpuList.MAX_ID + 1 : 128;
        for (int i = 0; i < count; i++) {
            int start = random.nextInt(bound);
            int length = kind == 1 ? 1 + random.nextInt(16) : 1;
            bits.set(start, Math.min(bound, start + length));
        }
        return CpuList.of(bits.stream().boxed().toList());
    }

    private static CpuList catchingParse(String text) {
        try {
            return CpuList.parse(text);
        } catch (InvalidValueException e) {
            throw new AssertionError(e);
        }
    }
}
