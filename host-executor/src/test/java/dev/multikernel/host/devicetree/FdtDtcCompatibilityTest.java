package dev.multikernel.host.devicetree;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-checks the codec and the printer against dtc 1.6.1 on every DTS under
 * src/test/resources/devicetree (generic shapes and the kernel documentation's examples).
 */
class FdtDtcCompatibilityTest {

    static final String[] SOURCES = {
        "codec/values.dts",
        "codec/phandles.dts",
        "codec/overlay-label.dts",
        "codec/overlay-path.dts",
        "mk/baseline.dts",
        "mk/pool.dts",
        "mk/instance.dts",
        "mk/overlay-grow-pool.dts",
        "mk/overlay-feed-instance.dts",
        "mk/overlay-create-and-feed.dts",
        "mk/overlay-shrink.dts",
        "mk/v2.dts"
    };

    static String[] sources() {
        return SOURCES;
    }

    private static byte[] compiled(String name) {
        // -@ as the kernel documentation compiles overlays; on the other sources it adds __symbols__.
        return Dtc.compile(TestResources.text(name), "-@");
    }

    @ParameterizedTest
    @MethodSource("sources")
    void parseThenWriteGivesDtcsBytes(String name) throws Exception {
        byte[] blob = compiled(name);
        DeviceTree tree = Fdt.parse(blob);
        assertThat(Fdt.write(tree)).isEqualTo(blob);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void printerMatchesDtcDecompiler(String name) throws Exception {
        byte[] blob = compiled(name);
        String ours = DtsPrinter.print(Fdt.parse(blob));
        assertThat(ours.replace("/plugin/;\n", "")).isEqualTo(Dtc.decompile(blob));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void printedSourceCompilesToTheBytesWeWrite(String name) throws Exception {
        DeviceTree tree = Fdt.parse(compiled(name));
        byte[] recompiled = Dtc.compile(DtsPrinter.print(tree));
        assertThat(recompiled).isEqualTo(Fdt.write(tree));
        assertThat(Fdt.parse(recompiled)).isEqualTo(tree);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "codec/values.dts", "codec/phandles.dts", "codec/overlay-label.dts",
                "mk/baseline.dts", "mk/overlay-create-and-feed.dts", "mk/v2.dts"
            })
    void fdtdumpAndDtcReadOurBlobs(String name) throws Exception {
        DeviceTree tree = Fdt.parse(compiled(name));
        byte[] ours = Fdt.write(tree);
        Dtc.Run dump = Dtc.fdtdump(ours);
        assertThat(dump.exitCode()).as(dump.stderr()).isZero();
        assertThat(dump.text()).contains("0xd00dfeed").contains("// version:\t\t17");
        String lastChild =
                tree.root().children().get(tree.root().children().size() - 1).name();
        assertThat(dump.text()).contains(lastChild + " {");
        assertThat(Dtc.recompileBlob(ours)).isEqualTo(ours);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void readableSourceCompilesToTheSameBytes(String name) throws Exception {
        DeviceTree tree = Fdt.parse(compiled(name));
        assertThat(Dtc.compile(DtsPrinter.printReadable(tree))).isEqualTo(Fdt.write(tree));
    }

    @Test
    void readablePrintingSplitsStringLists() {
        DeviceTree tree = DeviceTree.of(Node.builder("")
                .strings("compatible", "multikernel-v1", "test,values")
                .strings("odd", "ab", "", "cd")
                .build());
        assertThat(DtsPrinter.printReadable(tree))
                .contains("compatible = \"multikernel-v1\", \"test,values\";")
                .contains("odd = \"ab\\0\\0cd\";");
    }

    @Test
    void bootCpuIdAndReservationsSurviveTheRoundTrip() throws Exception {
        byte[] blob = Dtc.compile(TestResources.text("codec/values.dts"), "-b", "5");
        DeviceTree tree = Fdt.parse(blob);
        assertThat(tree.bootCpuId()).isEqualTo(5);
        assertThat(tree.reservations())
                .containsExactly(
                        new MemoryReservation(0x10000000L, 0x4000L),
                        new MemoryReservation(0xffffffff00000000L, 0x1000L));
        assertThat(Fdt.write(tree)).isEqualTo(blob);
        assertThat(DtsPrinter.print(tree)).contains("// boot_cpuid_phys: 0x5\n");
    }

    @Test
    void stringTableSharesSuffixesLikeDtc() throws Exception {
        // "cells" is the tail of "#size-cells", "s" of "cells", "e" of "compatible": dtc stores none
        // of them again. A hand-built tree in the same order must give dtc's exact bytes.
        Node root = Node.builder("")
                .string("compatible", "x")
                .u32("#size-cells", 2)
                .u32("cells", 1)
                .empty("s")
                .empty("e")
                .empty("size")
                .build();
        String dts = "/dts-v1/;\n/ { compatible = \"x\"; #size-cells = <2>; cells = <1>; s; e;" + " size; };";
        assertThat(Fdt.write(DeviceTree.of(root))).isEqualTo(Dtc.compile(dts));
    }

    @Test
    void stringTableMatchesDtcOnManyOverlappingNames() {
        // Short names over a two-letter alphabet are often tails of one another, in random order.
        java.util.Random random = new java.util.Random(11);
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        while (names.size() < 100) {
            StringBuilder n = new StringBuilder();
            int len = 1 + random.nextInt(6);
            for (int i = 0; i < len; i++) {
                n.append(random.nextBoolean() ? 'a' : 'b');
            }
            names.add(n.toString());
        }
        Node.Builder root = Node.builder("");
        Node.Builder child = Node.builder("c");
        StringBuilder dts = new StringBuilder("/dts-v1/;\n/ {\n");
        StringBuilder childDts = new StringBuilder(" c {\n");
        int i = 0;
        for (String name : names) {
            if (i++ % 2 == 0) {
                root.u32(name, i);
                dts.append(' ').append(name).append(" = <").append(i).append(">;\n");
            } else {
                child.empty(name);
                childDts.append(' ').append(name).append(";\n");
            }
        }
        root.child(child.build());
        dts.append(childDts).append(" };\n};\n");
        assertThat(Fdt.write(DeviceTree.of(root.build()))).isEqualTo(Dtc.compile(dts.toString()));
    }

    @Test
    void aTreeBuiltInJavaDecompilesToTheExpectedSource() throws Exception {
        Node root = Node.builder("")
                .string("compatible", "multikernel-v1")
                .child("resources", r -> r.u64("cpus", 1, 2).child("memory@0", m -> m.u64("size", 0x20000000L)))
                .build();
        String expected = "/dts-v1/;\n\n/ {\n\tcompatible = \"multikernel-v1\";\n\n"
                + "\tresources {\n\t\tcpus = <0x00 0x01 0x00 0x02>;\n\n"
                + "\t\tmemory@0 {\n\t\t\tsize = <0x00 0x20000000>;\n\t\t};\n\t};\n};\n";
        assertThat(Dtc.decompile(Fdt.write(DeviceTree.of(root)))).isEqualTo(expected);
        assertThat(DtsPrinter.print(DeviceTree.of(root))).isEqualTo(expected);
    }
}
