package dev.multikernel.provider.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ByteSizeTest {
    static final long KIB = 1L << 10;
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    static final long TIB = 1L << 40;

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("1GiB", GIB, "1GiB"),
                Arguments.of("512MiB", 512 * MIB, "512MiB"),
                Arguments.of("1.5GiB", 3 * GIB / 2, "1536MiB"),
                Arguments.of("4G", 4 * GIB, "4GiB"),
                Arguments.of("2GB", 2 * GIB, "2GiB"),
                Arguments.of("2gb", 2 * GIB, "2GiB"),
                Arguments.of("2gib", 2 * GIB, "2GiB"),
                Arguments.of("2GIB", 2 * GIB, "2GiB"),
                Arguments.of("2048MB", 2 * GIB, "2GiB"),
                Arguments.of("2097152KB", 2 * GIB, "2GiB"),
                Arguments.of("2097152k", 2 * GIB, "2GiB"),
                Arguments.of("1073741824", GIB, "1GiB"),
                Arguments.of("1073741824B", GIB, "1GiB"),
                Arguments.of("1073741824 b", GIB, "1GiB"),
                Arguments.of(" 1 GiB ", GIB, "1GiB"),
                Arguments.of("1\tGiB\n", GIB, "1GiB"),
                Arguments.of("0", 0, "0B"),
                Arguments.of("0GiB", 0, "0B"),
                Arguments.of("0.0MiB", 0, "0B"),
                Arguments.of("4097", 4097, "4097B"),
                Arguments.of("4096", 4096, "4KiB"),
                Arguments.of("1.25KiB", 1280, "1280B"),
                Arguments.of("0.5KiB", 512, "512B"),
                Arguments.of("1.000000000000GiB", GIB, "1GiB"),
                Arguments.of("3T", 3 * TIB, "3TiB"),
                Arguments.of("1TB", TIB, "1TiB"),
                Arguments.of("1.5TiB", 3 * TIB / 2, "1536GiB"),
                Arguments.of("2P", 2L << 50, "2PiB"),
                Arguments.of("7EiB", 7L << 60, "7EiB"),
                Arguments.of("7.5E", (7L << 60) + (1L << 59), "7680PiB"),
                Arguments.of("0x40000000", GIB, "1GiB"),
                Arguments.of("0X1000", 4096, "4KiB"),
                Arguments.of("0x7fffffffffffffff", Long.MAX_VALUE, Long.MAX_VALUE + "B"),
                Arguments.of("0x00000000000000000001", 1, "1B"),
                Arguments.of("9223372036854775807", Long.MAX_VALUE, Long.MAX_VALUE + "B"),
                Arguments.of("007MiB", 7 * MIB, "7MiB"));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesAndFormats(String text, long bytes, String canonical) throws Exception {
        ByteSize size = ByteSize.parse(text);
        assertThat(size.bytes()).isEqualTo(bytes);
        assertThat(size.format()).isEqualTo(canonical);
        assertThat(size.toString()).isEqualTo(canonical);
        assertThat(ByteSize.parse(canonical)).isEqualTo(size);
    }

    static Stream<Arguments> invalid() {
        String units = "units (powers of 1024, any letter case): B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB,"
                + " P/PB/PiB, E/EB/EiB";
        String hint = "write a number and a unit, such as \"512MiB\", \"1.5GiB\" or \"4G\"; " + units;
        return Stream.of(
                Arguments.of("", "the size is empty; " + hint),
                Arguments.of("  ", "the size is empty; " + hint),
                Arguments.of("GiB", "\"GiB\" is not a size; " + hint),
                Arguments.of("-1GiB", "\"-1GiB\": a size cannot be negative; " + hint),
                Arguments.of("+1GiB", "\"+1GiB\" is not a size; " + hint),
                Arguments.of("1.GiB", "\"1.GiB\" is not a size; " + hint),
                Arguments.of(".5GiB", "\".5GiB\" is not a size; " + hint),
                Arguments.of("1.2.3", "\"1.2.3\" is not a size; " + hint),
                Arguments.of("1,5GiB", "\"1,5GiB\": unknown unit \",5GiB\"; " + units),
                Arguments.of("1e9", "\"1e9\": unknown unit \"e9\"; " + units),
                Arguments.of("1_000", "\"1_000\": unknown unit \"_000\"; " + units),
                Arguments.of("4X", "\"4X\": unknown unit \"X\"; " + units),
                Arguments.of("4 G iB", "\"4 G iB\": unknown unit \"G iB\"; " + units),
                Arguments.of("4Gib/s", "\"4Gib/s\": unknown unit \"Gib/s\"; " + units),
                Arguments.of("4 pages", "\"4 pages\": unknown unit \"pages\"; " + units),
                Arguments.of(
                        "0.1KiB",
                        "\"0.1KiB\" is 102.4 bytes, not a whole number of bytes; round it, or write"
                                + " it as a whole number of a smaller unit"),
                Arguments.of(
                        "1.5",
                        "\"1.5\" is 1.5 bytes, not a whole number of bytes; round it, or write"
                                + " it as a whole number of a smaller unit"),
                Arguments.of(
                        "8EiB",
                        "\"8EiB\" is too large; the largest size is 9223372036854775807 bytes"
                                + " (8EiB minus one byte)"),
                Arguments.of(
                        "9223372036854775808",
                        "\"9223372036854775808\" is too large; the largest size is"
                                + " 9223372036854775807 bytes (8EiB minus one byte)"),
                Arguments.of(
                        "9".repeat(62) + "T",
                        "\"" + "9".repeat(62) + "T\" is too large; the largest size"
                                + " is 9223372036854775807 bytes (8EiB minus one byte)"),
                Arguments.of(
                        "0x8000000000000000",
                        "\"0x8000000000000000\" is too large; the largest size is"
                                + " 0x7fffffffffffffff bytes (8EiB minus one byte)"),
                Arguments.of(
                        "0x10000000000000000",
                        "\"0x10000000000000000\" is too large; the largest size is"
                                + " 0x7fffffffffffffff bytes (8EiB minus one byte)"),
                Arguments.of(
                        "0x1G",
                        "\"0x1G\": a hexadecimal size is a plain byte count without a unit, such as"
                                + " \"0x40000000\"; or " + hint),
                Arguments.of(
                        "0x",
                        "\"0x\": a hexadecimal size is a plain byte count without a unit, such as"
                                + " \"0x40000000\"; or " + hint),
                Arguments.of("٣GiB", "\"٣GiB\" is not a size; " + hint),
                Arguments.of("1GiB\u0000", "\"1GiB\\u0000\": unknown unit \"GiB\\u0000\"; " + units));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsWithAMessageNamingTheTextAndTheUnits(String text, String message) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOfSatisfying(InvalidValueException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.input()).isEqualTo(text);
        });
    }

    @Test
    void tooLongTextIsRefusedBeforeAnyArithmetic() {
        String text = "1" + "0".repeat(100_000) + "GiB";
        assertThatThrownBy(() -> ByteSize.parse(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("\"1" + "0".repeat(62) + "…\" is too long to be a size; write a number");
        String fraction = "0." + "0".repeat(70) + "1GiB";
        assertThatThrownBy(() -> ByteSize.parse(fraction)).hasMessageContaining("is too long to be a size");
    }

    @Test
    void everyUnitIsAPowerOf1024() throws Exception {
        String[][] spellings = {
            {"K", "KB", "KiB", "k", "kb", "kib", "Kb", "kB"},
            {"M", "MB", "MiB", "m", "mb", "mib"},
            {"G", "GB", "GiB", "g", "gb", "gib"},
            {"T", "TB", "TiB", "t", "tb", "tib"},
            {"P", "PB", "PiB", "p", "pb", "pib"},
            {"E", "EB", "EiB", "e", "eb", "eib"}
        };
        for (int i = 0; i < spellings.length; i++) {
            for (String unit : spellings[i]) {
                assertThat(ByteSize.parse("3" + unit).bytes()).as(unit).isEqualTo(3L << (10 * (i + 1)));
            }
        }
    }

    @Test
    void alignment() throws Exception {
        assertThat(ByteSize.parse("1GiB").isAligned(ByteSize.ofMiB(2))).isTrue();
        assertThat(ByteSize.parse("1.5MiB").isAligned(ByteSize.ofMiB(1))).isFalse();
        assertThat(ByteSize.ofBytes(8192).isPageAligned()).isTrue();
        assertThat(ByteSize.ofBytes(8193).isPageAligned()).isFalse();
        assertThat(ByteSize.ZERO.isPageAligned()).isTrue();
        assertThat(ByteSize.ofBytes(4097).alignUp(ByteSize.PAGE)).isEqualTo(ByteSize.ofKiB(8));
        assertThat(ByteSize.ofBytes(4097).alignDown(ByteSize.PAGE)).isEqualTo(ByteSize.ofKiB(4));
        assertThat(ByteSize.ofKiB(8).alignUp(ByteSize.PAGE)).isEqualTo(ByteSize.ofKiB(8));
        assertThat(ByteSize.ofKiB(8).alignDown(ByteSize.PAGE)).isEqualTo(ByteSize.ofKiB(8));
        assertThat(ByteSize.ZERO.pagesRoundedUp()).isZero();
        assertThat(ByteSize.ofBytes(1).pagesRoundedUp()).isEqualTo(1);
        assertThat(ByteSize.ofGiB(1).pagesRoundedUp()).isEqualTo(262144);
        assertThat(ByteSize.ofBytes(GIB + 1).pagesRoundedUp()).isEqualTo(262145);
        assertThatThrownBy(() -> ByteSize.ofGiB(1).isAligned(ByteSize.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSize.ofBytes(Long.MAX_VALUE).alignUp(ByteSize.PAGE))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void arithmeticAndOrder() {
        assertThat(ByteSize.ofGiB(1).plus(ByteSize.ofMiB(512))).isEqualTo(ByteSize.ofMiB(1536));
        assertThat(ByteSize.ofGiB(1).minus(ByteSize.ofMiB(512)).format()).isEqualTo("512MiB");
        assertThatThrownBy(() -> ByteSize.ofMiB(1).minus(ByteSize.ofGiB(1)))
                .isInstanceOf(ArithmeticException.class)
                .hasMessage("1GiB is larger than 1MiB");
        assertThatThrownBy(() -> ByteSize.ofBytes(Long.MAX_VALUE).plus(ByteSize.ofBytes(1)))
                .isInstanceOf(ArithmeticException.class);
        assertThat(ByteSize.ofMiB(1)).isLessThan(ByteSize.ofGiB(1));
        assertThat(ByteSize.ofTiB(1).bytes()).isEqualTo(TIB);
        assertThatThrownBy(() -> ByteSize.ofTiB(Long.MAX_VALUE)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> ByteSize.ofBytes(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a size cannot be negative: -1");
    }

    // ------------------------------------------------------------ properties with fixed seeds

    @Test
    void formatThenParseGivesTheSameSize() throws Exception {
        Random random = new Random(1_073_741_824L);
        for (int round = 0; round < 20000; round++) {
            long bytes = switch (random.nextInt(4)) {
                case 0 -> random.nextLong() & Long.MAX_VALUE;
                case 1 -> (random.nextLong() & Long.MAX_VALUE) >>> random.nextInt(63);
                case 2 -> (long) random.nextInt(1 << 20) << (10 * random.nextInt(5));
                default -> random.nextInt(10_000);
            };
            ByteSize size = ByteSize.ofBytes(bytes);
            String text = size.format();
            assertThat(ByteSize.parse(text)).as("round %d: %s", round, text).isEqualTo(size);
            // the canonical unit is the largest exact one: one more unit step would not divide
            assertThat(text).matches("0B|[1-9][0-9]*(B|KiB|MiB|GiB|TiB|PiB|EiB)");
        }
    }

    @Test
    void fractionsAreExactOrRejected() throws Exception {
        Random random = new Random(3);
        for (int round = 0; round < 5000; round++) {
            int whole = random.nextInt(4096);
            int tenths = random.nextInt(10);
            String text = whole + "." + tenths + "MiB";
            long tenthsOfMiB = whole * 10L + tenths;
            if (tenthsOfMiB * MIB % 10 == 0) {
                assertThat(ByteSize.parse(text).bytes()).as(text).isEqualTo(tenthsOfMiB * MIB / 10);
            } else {
                assertThatThrownBy(() -> ByteSize.parse(text)).as(text).hasMessageContaining("not a whole number");
            }
        }
    }

    @Test
    void randomTextNeverEscapesAsAnUncheckedException() {
        Random random = new Random(11);
        String alphabet = "0123456789.xXkKmMgGiIbBtTeE -+";
        for (int round = 0; round < 30000; round++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(10);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = b.toString();
            try {
                ByteSize size = ByteSize.parse(text);
                assertThat(ByteSize.parse(size.format())).isEqualTo(size);
            } catch (InvalidValueException e) {
                assertThat(e.getMessage()).as(text).isNotBlank();
            }
        }
    }
}
