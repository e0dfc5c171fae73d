package dev.multikernel.host.devicetree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken blobs must give a DeviceTreeException, never another exception, a hang or an
 * allocation beyond the blob's size.
 */
class MalformedBlobTest {

    /** A blob with reservations, strings, bytes, nesting and phandles (compiled by dtc). */
    private static final byte[] VALID =
            Dtc.compile(TestResources.text("codec/values.dts") + "\n/ { a { b { c { d = <1>; }; }; }; };\n");

    /** Parses and, if that worked, writes and re-parses: only DeviceTreeException may escape. */
    static void parseOrReject(byte[] blob) {
        try {
            DeviceTree tree = Fdt.parse(blob);
            byte[] again = Fdt.write(tree);
            assertThat(Fdt.parse(again)).isEqualTo(tree);
            DtsPrinter.print(tree);
        } catch (DeviceTreeException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            fail(
                    "unexpected " + e + " for blob "
                            + java.util.HexFormat.of().formatHex(blob, 0, Math.min(blob.length, 128)),
                    e);
        }
    }

    @Test
    void truncatingAtEveryOffsetIsRejected() {
        for (int len = 0; len < VALID.length; len++) {
            byte[] cut = Arrays.copyOf(VALID, len);
            final int at = len;
            assertThatThrownBy(() -> Fdt.parse(cut))
                    .as("truncated to %d bytes", at)
                    .isInstanceOf(DeviceTreeException.class);
        }
    }

    @Test
    void truncatingTheBlobButNotTotalsizeIsRejectedAsTruncation() {
        assertThatThrownBy(() -> Fdt.parse(Arrays.copyOf(VALID, VALID.length - 1)))
                .hasMessageContaining("totalsize")
                .hasMessageContaining("truncated");
    }

    @Test
    void randomByteFlipsNeverEscapeAsOtherExceptions() {
        Random random = new Random(0x5eed);
        for (int i = 0; i < 20_000; i++) {
            byte[] blob = VALID.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                blob[random.nextInt(blob.length)] ^= (byte) (1 + random.nextInt(255));
            }
            parseOrReject(blob);
        }
    }

    @Test
    void randomStructureWordsNeverEscapeAsOtherExceptions() {
        // Overwrite whole aligned words of the structure block with tokens and small numbers, which
        // reaches deeper parser states than bit flips.
        Random random = new Random(42);
        int offStruct = Bytes.getU32(VALID, 8);
        int sizeStruct = Bytes.getU32(VALID, 36);
        int[] interesting = {1, 2, 3, 4, 9, 0, -1, 0x7fffffff, 8, 16, 0x100};
        for (int i = 0; i < 20_000; i++) {
            byte[] blob = VALID.clone();
            int words = 1 + random.nextInt(3);
            for (int w = 0; w < words; w++) {
                int at = offStruct + 4 * random.nextInt(sizeStruct / 4);
                Bytes.putU32(blob, at, interesting[random.nextInt(interesting.length)]);
            }
            parseOrReject(blob);
        }
    }

    static Stream<Arguments> absurdHeaderFields() {
        int[] offsets = {0, 4, 8, 12, 16, 20, 24, 28, 32, 36};
        int[] values = {
            0,
            1,
            3,
            7,
            39,
            40,
            0x7fffffff,
            0x80000000,
            0xffffffff,
            0xfffffff0,
            15,
            16,
            17,
            18,
            2,
            VALID.length,
            VALID.length + 1,
            VALID.length - 4
        };
        return IntStream.of(offsets).boxed().flatMap(o -> IntStream.of(values).mapToObj(v -> Arguments.of(o, v)));
    }

    @ParameterizedTest(name = "header word at {0} = {1}")
    @MethodSource("absurdHeaderFields")
    void absurdHeaderFieldsAreRejectedOrHarmless(int offset, int value) {
        byte[] blob = VALID.clone();
        Bytes.putU32(blob, offset, value);
        parseOrReject(blob);
    }

    @Test
    void specificDefectsHaveClearMessages() {
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 0, 0xfeedd00d), "bad magic");
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 20, 15), "unsupported FDT version 15");
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 24, 18), "compatible");
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 4, 0x7fffffff), "exceeds the blob length");
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 8, 0x7ffffff0), "structure block");
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 8, 6), "structure block offset 6");
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 16, 44), "not 8-byte aligned");
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 12, Bytes.getU32(b, 8)), "overlaps");
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 32, 0), "outside the strings block");
        // The first property's name offset points past the strings block.
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, firstPropOffset(b) + 8, 0x10000), "name offset 65536");
        // Strings block cut so that the last name loses its NUL.
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, 32, Bytes.getU32(b, 32) - 1), "not NUL-terminated");
        // Replace FDT_END by END_NODE: an END_NODE without an open node.
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, structEnd(b) - 4, 2), "without an open node");
        // Replace FDT_END by NOP: the block ends without FDT_END.
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, structEnd(b) - 4, 4), "without an FDT_END");
        // Replace the root's END_NODE by FDT_END.
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, structEnd(b) - 8, 9), "still open");
        assertRejected(VALID.clone(), b -> Bytes.putU32(b, structEnd(b) - 8, 0x77), "unknown structure token");
    }

    private static int firstPropOffset(byte[] b) {
        int p = Bytes.getU32(b, 8) + 8; // BEGIN_NODE + empty root name (4 bytes)
        if (Bytes.getU32(b, p) != Fdt.TOKEN_PROP) {
            throw new AssertionError("fixture changed: no property first in the root");
        }
        return p;
    }

    private static int structEnd(byte[] b) {
        return Bytes.getU32(b, 8) + Bytes.getU32(b, 36);
    }

    private static void assertRejected(byte[] blob, java.util.function.Consumer<byte[]> damage, String message) {
        damage.accept(blob);
        assertThatThrownBy(() -> Fdt.parse(blob))
                .isInstanceOf(DeviceTreeException.class)
                .hasMessageContaining(message);
    }

    @Test
    void nestingDeeperThanTheLimitIsRejected() throws Exception {
        Node deep = Node.empty("n");
        for (int i = 0; i < 80; i++) {
            deep = Node.builder("n").child(deep).build();
        }
        byte[] blob = Fdt.write(DeviceTree.of(Node.builder("").child(deep).build()));
        assertThatThrownBy(() -> Fdt.parse(blob)).hasMessageContaining("nested deeper than 64");
        assertThat(Fdt.parse(blob, new Fdt.Limits(100, 1000, 1000, 10)).root().subtreeSize())
                .isEqualTo(82);
    }

    @Test
    void nodeAndPropertyCountsAreCapped() throws Exception {
        Node.Builder root = Node.builder("");
        for (int i = 0; i < 50; i++) {
            root.child(Node.builder("n" + i).u32("p", i).build());
        }
        byte[] blob = Fdt.write(DeviceTree.of(root.build()));
        assertThatThrownBy(() -> Fdt.parse(blob, new Fdt.Limits(64, 20, 1000, 10)))
                .hasMessageContaining("more than 20 nodes");
        assertThatThrownBy(() -> Fdt.parse(blob, new Fdt.Limits(64, 1000, 10, 10)))
                .hasMessageContaining("more than 10 properties");
    }

    @Test
    void duplicateNamesAndMisplacedPropertiesAreRejected() throws Exception {
        // Hand-made structure: a root with property "a" twice.
        byte[] twice = handMade(new int[] {1, 0, 3, 0, 0, 3, 0, 0, 2, 9}, "a\0");
        assertThatThrownBy(() -> Fdt.parse(twice)).hasMessageContaining("property \"a\" twice");
        // A property after a child node.
        byte[] late = handMade(new int[] {1, 0, 1, 0x63000000, 2, 3, 0, 0, 2, 9}, "a\0");
        assertThatThrownBy(() -> Fdt.parse(late)).hasMessageContaining("after a child node");
        // Two root nodes.
        byte[] roots = handMade(new int[] {1, 0, 2, 1, 0, 2, 9}, "");
        assertThatThrownBy(() -> Fdt.parse(roots)).hasMessageContaining("second top-level node");
        // A node name with a slash.
        byte[] slash = handMade(new int[] {1, 0, 1, 0x612f6200, 2, 2, 9}, "");
        assertThatThrownBy(() -> Fdt.parse(slash)).hasMessageContaining("'/'");
        // A property length beyond the block.
        byte[] longProp = handMade(new int[] {1, 0, 3, 0x1000, 0, 2, 9}, "a\0");
        assertThatThrownBy(() -> Fdt.parse(longProp)).hasMessageContaining("runs past");
        // A tree with only NOPs and END: no root.
        byte[] noRoot = handMade(new int[] {4, 4, 9}, "");
        assertThatThrownBy(() -> Fdt.parse(noRoot)).hasMessageContaining("no root node");
    }

    /** A v17 blob with the given structure words and strings block. */
    static byte[] handMade(int[] structWords, String strings) {
        byte[] str = strings.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int offStruct = 40 + 16;
        int offStrings = offStruct + structWords.length * 4;
        byte[] b = new byte[offStrings + str.length];
        Bytes.putU32(b, 0, Fdt.MAGIC);
        Bytes.putU32(b, 4, b.length);
        Bytes.putU32(b, 8, offStruct);
        Bytes.putU32(b, 12, offStrings);
        Bytes.putU32(b, 16, 40);
        Bytes.putU32(b, 20, 17);
        Bytes.putU32(b, 24, 16);
        Bytes.putU32(b, 32, str.length);
        Bytes.putU32(b, 36, structWords.length * 4);
        for (int i = 0; i < structWords.length; i++) {
            Bytes.putU32(b, offStruct + 4 * i, structWords[i]);
        }
        System.arraycopy(str, 0, b, offStrings, str.length);
        return b;
    }

    @Test
    void trailingBytesAreIgnoredUnlessTheSizeMustBeExact() throws Exception {
        byte[] padded = Arrays.copyOf(VALID, VALID.length + 8);
        assertThat(Fdt.parse(padded)).isEqualTo(Fdt.parse(VALID));
        assertThat(Fdt.parseExact(VALID)).isEqualTo(Fdt.parse(VALID));
        assertThatThrownBy(() -> Fdt.parseExact(padded))
                .isInstanceOf(DeviceTreeException.class)
                .hasMessageContaining("totalsize " + VALID.length);
    }

    @Test
    void version16BlobsWithoutStructSizeAreRead() throws Exception {
        byte[] blob = VALID.clone();
        Bytes.putU32(blob, 20, 16);
        Bytes.putU32(blob, 36, 0); // not part of a v16 header
        assertThat(Fdt.parse(blob)).isEqualTo(Fdt.parse(VALID));
    }
}
