package dev.multikernel.host.devicetree.multikernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Dtc;
import dev.multikernel.host.devicetree.Fdt;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Trees that break a kernel rule: the reader names the node and property at fault. */
class MultikernelRulesTest {

    private static DeviceTree tree(String body) throws DeviceTreeException {
        return Fdt.parse(Dtc.compile("/dts-v1/;\n/ {" + body + "};\n"));
    }

    private static DeviceTree overlay(String body) throws DeviceTreeException {
        return Fdt.parse(Dtc.compile("/dts-v1/;\n/plugin/;\n/ {" + body + "};\n", "-@"));
    }

    private static String frag(String target, String ops) {
        return " fragment@0 { target-path = \"" + target + "\"; __overlay__ { " + ops + " }; };";
    }

    private static final String GOOD_RESOURCES = "cpus = /bits/ 64 <1 2>; memory@0 { size = /bits/ 64 <0x10000000>; };";

    static Stream<Arguments> badBaselines() {
        return Stream.of(
                Arguments.of("compatible = \"multikernel-v1\";", new String[] {"/resources", "missing"}),
                Arguments.of(
                        "resources { " + GOOD_RESOURCES + " }; instances { web { id = <1>; }; };",
                        new String[] {"/instances", "web"}),
                Arguments.of(
                        "resources { memory-base = /bits/ 64 <0>; " + GOOD_RESOURCES + " };",
                        new String[] {"/resources", "memory-base", "no longer accepted"}),
                Arguments.of(
                        "resources { cpus = /bits/ 64 <1 2>; memory-bytes = /bits/ 64 <0x1000>;"
                                + " memory@0 { size = /bits/ 64 <0x1000>; }; };",
                        new String[] {"/resources", "memory-bytes", "no longer accepted"}),
                Arguments.of(
                        "resources { memory@0 { size = /bits/ 64 <0x1000>; }; };",
                        new String[] {"/resources", "\"cpus\""}),
                Arguments.of(
                        "resources { cpus = <1 2 3>; memory@0 { size = /bits/ 64 <0x1000>; }; };",
                        new String[] {"/resources", "\"cpus\"", "length 12"}),
                Arguments.of(
                        "resources { cpus; memory@0 { size = /bits/ 64 <0x1000>; }; };",
                        new String[] {"/resources", "\"cpus\" is empty"}),
                Arguments.of("resources { cpus = /bits/ 64 <1>; };", new String[] {"/resources", "memory@N"}),
                Arguments.of(
                        "resources { cpus = /bits/ 64 <1>; memory@0 { size = <0x1000>; }; };",
                        new String[] {"/resources/memory@0", "\"size\"", "length 4"}),
                Arguments.of(
                        "resources { cpus = /bits/ 64 <1>; memory@0 { size = /bits/ 64 <0x1800>; };" + " };",
                        new String[] {"/resources/memory@0", "page aligned"}),
                Arguments.of(
                        "resources { cpus = /bits/ 64 <1>; memory@0 { size = /bits/ 64 <0>; }; };",
                        new String[] {"/resources/memory@0", "non-zero"}),
                Arguments.of(
                        "resources { cpus = /bits/ 64 <1>; memory@1 { size = /bits/ 64 <0x1000>;"
                                + " numa-node-id = /bits/ 64 <0>; }; };",
                        new String[] {"/resources/memory@1", "numa-node-id", "length 8"}),
                Arguments.of(
                        "resources { " + GOOD_RESOURCES + " devices { d { device-type = \"usb\"; };" + " }; };",
                        new String[] {"/resources/devices/d", "usb"}),
                Arguments.of(
                        "resources { " + GOOD_RESOURCES + " devices { n { device-type = \"pci\";"
                                + " pci-id = \"0000:09:00.0\"; device-id = <1>; }; }; };",
                        new String[] {"/resources/devices/n", "vendor-id"}),
                Arguments.of(
                        "resources { " + GOOD_RESOURCES + " devices { n { device-type = \"pci\";"
                                + " pci-id = \"9:0.0\"; vendor-id = <1>; device-id = <1>; }; }; };",
                        new String[] {"/resources/devices/n", "pci-id", "DDDD:BB:SS.F"}),
                Arguments.of(
                        "resources { " + GOOD_RESOURCES + " devices { p { device-type =" + " \"platform\"; }; }; };",
                        new String[] {"/resources/devices/p", "device-name", "acpi-hid"}));
    }

    @ParameterizedTest
    @MethodSource("badBaselines")
    void baselineRuleViolationsNameTheCulprit(String body, String[] fragments) throws Exception {
        DeviceTree t = tree(body);
        assertThatThrownBy(() -> Baseline.read(t))
                .isInstanceOf(DeviceTreeException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }

    static Stream<Arguments> badOverlays() {
        return Stream.of(
                Arguments.of(" mk,resources = \"x\";", new String[] {"no fragment@N"}),
                Arguments.of(" fragment@0 { __overlay__ { }; };", new String[] {"/fragment@0", "target-path"}),
                Arguments.of(
                        " fragment@0 { target = <0x1>; __overlay__ { }; };",
                        new String[] {"/fragment@0", "target-path", "not accepted"}),
                Arguments.of(
                        " fragment@zz { target-path = \"/resources\"; __overlay__ { }; };",
                        new String[] {"/fragment@zz", "hex"}),
                Arguments.of(frag("/chosen", ""), new String[] {"/fragment@0", "/chosen", "EINVAL"}),
                Arguments.of(frag("/instances/", ""), new String[] {"/fragment@0", "empty"}),
                Arguments.of(frag("/instances/a/b", ""), new String[] {"/fragment@0", "'/'"}),
                Arguments.of(
                        " fragment@0 { target-path = \"/resources\"; };", new String[] {"/fragment@0", "__overlay__"}),
                Arguments.of(
                        frag("/resources", "cpu-steal { };"),
                        new String[] {"/fragment@0/__overlay__/cpu-steal", "unknown operation"}),
                Arguments.of(
                        frag("/resources", "instance-create { instance-name = \"x\"; };"),
                        new String[] {"/fragment@0/__overlay__/instance-create", "/resources"}),
                Arguments.of(
                        frag("/instances", "cpu-add { cpu@1 { reg = /bits/ 64 <1>; }; };"),
                        new String[] {"/fragment@0/__overlay__/cpu-add", "/instances"}),
                Arguments.of(
                        frag("/instances", "instance-create { id = <1>; };"),
                        new String[] {"/fragment@0/__overlay__/instance-create", "instance-name"}),
                Arguments.of(
                        frag("/instances", "instance-remove { instance-name = \"a/b\"; };"),
                        new String[] {"/fragment@0/__overlay__/instance-remove", "'/'"}),
                Arguments.of(
                        frag(
                                "/instances",
                                "instance-create { instance-name = \"x\"; resources {"
                                        + " memory-bytes = <0x1000>; }; };"),
                        new String[] {"instance-create/resources", "memory-bytes", "length 4"}),
                Arguments.of(
                        frag(
                                "/resources",
                                "memory-add { memory@0 { reg = /bits/ 64 <0 0x1000>;"
                                        + " size = /bits/ 64 <0x1000>; }; };"),
                        new String[] {"/fragment@0/__overlay__/memory-add/memory@0", "reg", "rejected"}),
                Arguments.of(
                        frag("/resources", "memory-add { memory@0 { size = <0x1000>; }; };"),
                        new String[] {"memory-add/memory@0", "size", "length 4"}),
                Arguments.of(
                        frag("/resources", "memory-add { memory@0 { size = /bits/ 64 <0x1001>; };" + " };"),
                        new String[] {"memory-add/memory@0", "page aligned"}),
                Arguments.of(
                        frag("/instances/db", "memory-add { memory@0 { reg = /bits/ 64 <0x1000>;" + " }; };"),
                        new String[] {"memory-add/memory@0", "reg", "length 8", "16"}),
                Arguments.of(
                        frag("/instances/db", "memory-remove { memory@0 { reg = /bits/ 64 <0x1000" + " 0>; }; };"),
                        new String[] {"memory-remove/memory@0", "size is 0"}),
                Arguments.of(
                        frag(
                                "/instances/db",
                                "memory-add { memory@0 { reg = /bits/ 64 <0x1000"
                                        + " 0x1000>; numa-node-id = [00]; }; };"),
                        new String[] {"memory-add/memory@0", "numa-node-id", "length 1"}),
                Arguments.of(
                        frag("/resources", "cpu-add { cpu@1 { reg = <0 0 1>; }; };"),
                        new String[] {"cpu-add/cpu@1", "reg", "length 12"}),
                Arguments.of(
                        frag("/resources", "cpu-remove { cpu@1 { numa-node-id = <0>; }; };"),
                        new String[] {"cpu-remove/cpu@1", "\"reg\""}),
                Arguments.of(
                        frag("/resources", "cpu-add { core@1 { reg = <1>; }; };"),
                        new String[] {"cpu-add/core@1", "cpu@N"}),
                Arguments.of(
                        frag(
                                "/resources",
                                "device-add { pci@0 { pci-id = \"0000:01:00.0\";" + " driver = \"vfio-pci\"; }; };"),
                        new String[] {"device-add/pci@0", "driver"}),
                Arguments.of(
                        frag(
                                "/instances/db",
                                "device-add { pci@0 { pci-id = \"0000:01:00.0\";" + " alias = \"eth0\"; }; };"),
                        new String[] {"device-add/pci@0", "alias"}),
                Arguments.of(
                        frag("/instances/db", "device-remove { pci@0 { pci-id = \"0000:01:00\"; };" + " };"),
                        new String[] {"device-remove/pci@0", "pci-id"}),
                Arguments.of(
                        frag("/resources", "device-add { pci@0 { alias = \"x\"; }; };"),
                        new String[] {"device-add/pci@0", "\"pci-id\""}),
                Arguments.of(frag("/resources", "stray = <1>;"), new String[] {"/fragment@0/__overlay__", "stray"}));
    }

    @ParameterizedTest
    @MethodSource("badOverlays")
    void overlayRuleViolationsNameTheCulprit(String body, String[] fragments) throws Exception {
        DeviceTree t = overlay(body);
        assertThatThrownBy(() -> OverlayOps.read(t))
                .isInstanceOf(DeviceTreeException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }

    @Test
    void v2TreeWithoutInstancesFailsAsAWhole() throws Exception {
        DeviceTree t = tree(" compatible = \"multikernel-v1\";");
        assertThatThrownBy(() -> V2Tree.read(t))
                .isInstanceOf(DeviceTreeException.class)
                .hasMessageContaining("/instances")
                .hasMessageContaining("EINVAL");
    }

    @Test
    void v2ReportsEachInstanceAsTheKernelTreatsIt() throws Exception {
        DeviceTree t = tree(" instances {"
                + " ok { id = <1>; resources { cpus = <2 3>; memory-bytes = <0x40000000>; }; };"
                + " noid { resources { cpus = <4>; }; };"
                + " wide { id = <3>; resources { memory-bytes = /bits/ 64 <0x40000000>; }; };"
                + " odd { id = <4>; resources { memory-bytes = <0x1234>; }; };"
                + " zero { id = <5>; resources { memory-bytes = <0>; }; };"
                + " nocpus { id = <6>; resources { cpus; }; };"
                + " bare { id = <7>; };"
                + " };");
        List<V2Tree.Entry> entries = V2Tree.read(t);
        assertThat(entries)
                .extracting(V2Tree.Entry::name)
                .containsExactly("ok", "noid", "wide", "odd", "zero", "nocpus", "bare");
        assertThat(entries.get(0)).isInstanceOf(V2Tree.Entry.Accepted.class);
        assertThat(entries.get(1)).isInstanceOf(V2Tree.Entry.Skipped.class);
        assertThat(entries.get(2))
                .isInstanceOf(V2Tree.Entry.Rejected.class)
                .satisfies(e -> assertThat(((V2Tree.Entry.Rejected) e).reason()).contains("length 8"));
        assertThat(((V2Tree.Entry.Rejected) entries.get(3)).reason()).contains("page aligned");
        assertThat(((V2Tree.Entry.Rejected) entries.get(4)).reason()).contains("non-zero");
        assertThat(((V2Tree.Entry.Rejected) entries.get(5)).reason()).contains("cpus is empty");
        assertThat(entries.get(6))
                .isEqualTo(new V2Tree.Entry.Accepted(
                        new V2Instance("bare", 7, List.of(), java.util.OptionalLong.empty())));
        assertThatThrownBy(() -> V2Tree.readStrict(t))
                .isInstanceOf(DeviceTreeException.class)
                .hasMessageContaining("/instances/noid")
                .hasMessageContaining("id");
    }

    @Test
    void buildersRejectValuesTheKernelWouldRefuse() {
        assertThatThrownBy(() -> MemoryRequest.of(0x1001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("page");
        assertThatThrownBy(() -> V2Instance.of("web", 1, List.of(1), 0x100000000L))
                .hasMessageContaining("0xfffff000");
        assertThatThrownBy(() -> OverlayTarget.instance("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(
                        () -> OverlayOps.deviceAdd(OverlayTarget.POOL, PciItem.withDriver("0000:01:00.0", "vfio-pci")))
                .hasMessageContaining("driver");
        assertThatThrownBy(() -> OverlayOps.cpuAdd(OverlayTarget.INSTANCES, 1)).hasMessageContaining("/instances");
        assertThatThrownBy(() -> Baseline.builder().memory(4096).build()).hasMessageContaining("CPU");
        assertThatThrownBy(() -> PciAddress.parse("0000:09:00.8")).hasMessageContaining("DDDD");
        assertThatThrownBy(() -> new PciAddress(0, 0, 32, 0)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> OverlayTransaction.of(List.of()).toTree()).isInstanceOf(IllegalStateException.class);
        assertThat(new CpuItem(3, OptionalInt.of(1), OptionalInt.empty()).numaNode())
                .hasValue(1);
    }
}
