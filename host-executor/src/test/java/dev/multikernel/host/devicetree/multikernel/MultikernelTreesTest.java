package dev.multikernel.host.devicetree.multikernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.Dtc;
import dev.multikernel.host.devicetree.DtsPrinter;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.TestResources;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Each builder must produce, byte for byte, what dtc compiles from a DTS written by hand after the
 * kernel documentation's examples; each reader must give the builder's value back.
 */
class MultikernelTreesTest {

    private static final long GIB = 1L << 30;

    private static byte[] dtc(String resource) {
        String source = TestResources.text(resource);
        return source.contains("/plugin/") ? Dtc.compile(source, "-@") : Dtc.compile(source);
    }

    private static void assertSameBlob(DeviceTree built, String resource) {
        byte[] expected = dtc(resource);
        assertThat(Fdt.write(built))
                .as("builder output vs dtc of %s; ours:%n%s", resource, DtsPrinter.print(built))
                .isEqualTo(expected);
    }

    @Test
    void baselineMatchesTheDocumentationExample() throws Exception {
        Baseline baseline = Baseline.builder()
                .cpus(1, 2, 3)
                .memory(0x20000000L, 0)
                .pciDevice("0000:09:00.0", 0x1af4, 0x1041, "enp9s0")
                .platformDevice("serial_console", "serial8250")
                .build();
        assertSameBlob(baseline.toTree(), "mk/baseline.dts");
        assertThat(Baseline.read(Fdt.parse(dtc("mk/baseline.dts")))).isEqualTo(baseline);
        assertThat(baseline.aliases()).containsEntry("enp9s0", "/resources/devices/pci_0000_09_00_0");
    }

    @Test
    void poolTreeMatchesTheDocumentedShape() throws Exception {
        PciFunction nic = new PciFunction(
                PciAddress.parse("0000:09:00.0"), 0x1af4, 0x1041, List.of(new PciFunction.Bridge(3, 0, 9)));
        assertThat(nic.nodePath()).isEqualTo("/pci@0/pci@3,0/pci@0,0");
        PoolTree pool = new PoolTree(
                List.of(1L, 2L, 3L),
                List.of(2L, 3L),
                List.of(PoolChunk.of(0x59a00000L, 0x20000000L, 0)),
                List.of(new BaselineDevice.Platform("serial_console", Optional.of("serial8250"), Optional.empty())),
                List.of(nic),
                Map.of("enp9s0", nic.nodePath()));
        assertSameBlob(pool.toTree(), "mk/pool.dts");
        assertThat(PoolTree.read(Fdt.parse(dtc("mk/pool.dts")))).isEqualTo(pool);
        assertThat(pool.chunks().get(0).asRange()).isEqualTo(MemoryRange.of(0x59a00000L, 0x20000000L));
    }

    @Test
    void instanceTreeMatchesTheDocumentedShape() throws Exception {
        PciFunction nic = new PciFunction(
                PciAddress.parse("0000:09:00.0"), 0x1af4, 0x1041, List.of(new PciFunction.Bridge(3, 0, 9)));
        InstanceTree web = new InstanceTree(
                "web",
                1,
                0x59a08000L,
                0x8000000L,
                List.of(2L, 3L),
                List.of(),
                List.of(nic),
                Map.of("enp9s0", "/pci@0/pci@3,0/pci@0,0"));
        assertSameBlob(web.toTree(), "mk/instance.dts");
        assertThat(InstanceTree.read(Fdt.parse(dtc("mk/instance.dts")))).isEqualTo(web);
    }

    @Test
    void growPoolOverlayMatchesTheDocumentationExample() throws Exception {
        List<OverlayOperation> ops = List.of(
                OverlayOps.poolMemoryAdd(MemoryRequest.of(GIB, 0)), OverlayOps.cpuAdd(OverlayTarget.POOL, 0x14, 0x15));
        assertSameBlob(OverlayOps.toTree(ops), "mk/overlay-grow-pool.dts");
        assertThat(OverlayOps.read(Fdt.parse(dtc("mk/overlay-grow-pool.dts")))).isEqualTo(ops);
    }

    @Test
    void feedInstanceOverlayMatchesTheDocumentationExample() throws Exception {
        OverlayTarget db = OverlayTarget.instance("database");
        List<OverlayOperation> ops = List.of(
                OverlayOps.instanceMemoryAdd("database", MemoryRange.of(0x100000000L, GIB, 0)),
                new OverlayOperation.CpuAdd(db, List.of(CpuItem.of(0x14, 0), CpuItem.of(0x15, 0))),
                OverlayOps.deviceAdd(db, PciItem.withDriver("0000:65:00.0", "vfio-pci")));
        assertSameBlob(OverlayOps.toTree(ops), "mk/overlay-feed-instance.dts");
        assertThat(OverlayOps.read(Fdt.parse(dtc("mk/overlay-feed-instance.dts"))))
                .isEqualTo(ops);
    }

    @Test
    void createAndFeedOverlayMatchesTheDocumentationExample() throws Exception {
        List<OverlayOperation> ops = List.of(
                OverlayOps.instanceCreate("compute", 3, InstanceResources.of(256L << 20, List.of(8L), 0)),
                new OverlayOperation.CpuAdd(
                        OverlayTarget.instance("compute"), List.of(CpuItem.of(9, 1), CpuItem.of(10, 1))));
        OverlayTransaction tx = OverlayTransaction.of(ops).withResourcesTag("terraform:compute");
        assertSameBlob(tx.toTree(), "mk/overlay-create-and-feed.dts");
        OverlayTransaction read = OverlayTransaction.read(Fdt.parse(dtc("mk/overlay-create-and-feed.dts")));
        assertThat(read).isEqualTo(tx);
        assertThat(read.firstTargetPath()).contains("/instances");
        assertThat(OverlayTransaction.firstTargetPath(tx.toTree())).contains("/instances");
    }

    @Test
    void shrinkOverlayCoversTheRemainingOperations() throws Exception {
        OverlayTarget web = OverlayTarget.instance("web");
        List<OverlayOperation> ops = List.of(
                OverlayOps.cpuRemove(OverlayTarget.POOL, 7),
                OverlayOps.deviceRemove(OverlayTarget.POOL, "0000:09:00.0"),
                OverlayOps.memoryRemove(OverlayTarget.POOL, MemoryRange.of(0x59a00000L, 0x20000000L)),
                OverlayOps.deviceAdd(
                        OverlayTarget.POOL,
                        new PciItem(
                                PciAddress.parse("0000:0a:00.1"),
                                Optional.of("nvme0"),
                                Optional.empty(),
                                OptionalInt.of(1))),
                OverlayOps.memoryRemove(web, MemoryRange.of(0x59a08000L, 0x8000000L)),
                OverlayOps.cpuRemove(web, 2),
                OverlayOps.deviceRemove(web, "0000:65:00.0"),
                OverlayOps.instanceRemove("web"));
        assertSameBlob(OverlayOps.toTree(ops), "mk/overlay-shrink.dts");
        assertThat(OverlayOps.read(Fdt.parse(dtc("mk/overlay-shrink.dts")))).isEqualTo(ops);
    }

    @Test
    void operationsOutOfKernelOrderGoToSeparateFragments() throws Exception {
        // In a /resources fragment the kernel runs memory-add before cpu-add; to run cpu-add first
        // the writer must open a second fragment, and the reader must give the list back.
        List<OverlayOperation> ops = List.of(
                OverlayOps.cpuAdd(OverlayTarget.POOL, 4),
                OverlayOps.poolMemoryAdd(MemoryRequest.of(GIB)),
                OverlayOps.instanceCreate("a", InstanceResources.of(GIB, List.of(4L))),
                OverlayOps.instanceCreate("b", InstanceResources.of(GIB, List.of(5L))));
        DeviceTree tree = OverlayOps.toTree(ops);
        assertThat(tree.root().children())
                .extracting(n -> n.name())
                .containsExactly("fragment@0", "fragment@1", "fragment@2", "fragment@3");
        assertThat(OverlayOps.read(Fdt.parse(Fdt.write(tree)))).isEqualTo(ops);
    }

    @Test
    void fragmentsAreReadInAscendingHexUnitAddressOrder() throws Exception {
        String dts = "/dts-v1/;\n/plugin/;\n/ {\n"
                + " fragment@a { target-path = \"/instances\"; __overlay__ { instance-remove {"
                + " instance-name = \"second\"; }; }; };\n"
                + " fragment@9 { target-path = \"/instances\"; __overlay__ { instance-remove {"
                + " instance-name = \"first\"; }; }; };\n};\n";
        assertThat(OverlayOps.read(Fdt.parse(Dtc.compile(dts, "-@"))))
                .containsExactly(OverlayOps.instanceRemove("first"), OverlayOps.instanceRemove("second"));
    }

    @Test
    void cpuRegMayBeASingleU32Cell() throws Exception {
        String dts = "/dts-v1/;\n/plugin/;\n/ { fragment@0 { target-path = \"/resources\";"
                + " __overlay__ { cpu-add { cpu@5 { reg = <5>; flags = <2>; }; }; }; }; };\n";
        assertThat(OverlayOps.read(Fdt.parse(Dtc.compile(dts, "-@"))))
                .containsExactly(new OverlayOperation.CpuAdd(
                        OverlayTarget.POOL, List.of(new CpuItem(5, OptionalInt.empty(), OptionalInt.of(2)))));
    }

    @Test
    void instanceCreateWithoutIdLetsTheKernelChoose() throws Exception {
        OverlayOperation create =
                OverlayOps.instanceCreate("auto", new InstanceResources(GIB, List.of(2L, 3L), List.of()));
        DeviceTree tree = OverlayOps.toTree(List.of(create));
        assertThat(tree.find("/fragment@0/__overlay__/instance-create")
                        .orElseThrow()
                        .hasProperty("id"))
                .isFalse();
        assertThat(OverlayOps.read(tree)).containsExactly(create);
    }

    @Test
    void v2TreeMatchesTheRfcExample() throws Exception {
        List<V2Instance> instances = List.of(
                V2Instance.of("web", 1, List.of(2, 3), 0x40000000L),
                new V2Instance("batch", 2, List.of(4), OptionalLong.empty()));
        assertSameBlob(V2Tree.toTree(instances), "mk/v2.dts");
        assertThat(V2Tree.readStrict(Fdt.parse(dtc("mk/v2.dts")))).isEqualTo(instances);
        assertThat(V2Tree.read(Fdt.parse(dtc("mk/v2.dts")))).allMatch(e -> e instanceof V2Tree.Entry.Accepted);
    }

    @Test
    void v2AcceptsTheLargestU32MemorySize() throws Exception {
        V2Instance big = V2Instance.of("big", 7, List.of(1), Multikernel.V2_MAX_MEMORY_BYTES);
        assertThat(V2Tree.readStrict(Fdt.parse(Fdt.write(V2Tree.toTree(List.of(big))))))
                .containsExactly(big);
    }

    @Test
    void pciDevicesOnTheRootBusNeedNoBridges() throws Exception {
        PciFunction a = PciFunction.of("0001:00:02.0", 0x8086, 0x100e);
        PciFunction b = PciFunction.of("0000:00:1f.3", 0x8086, 0x2930);
        InstanceTree tree =
                new InstanceTree("db", 2, 0x1000000L, 0x2000000L, List.of(4L), List.of(), List.of(a, b), Map.of());
        DeviceTree dt = tree.toTree();
        assertThat(dt.find("/pci@1/pci@2,0")).isPresent();
        assertThat(dt.find("/pci@0/pci@1f,3")).isPresent();
        assertThat(InstanceTree.read(Fdt.parse(Fdt.write(dt)))).isEqualTo(tree);
    }
}
